import { type Dispatcher, request } from 'undici';
import {
  authorization,
  canonicalRequest,
  computeSignature,
  formatSdkDate,
  type HuaweiCredentials,
  type RequestToSign,
  SIGNING_ALGORITHM,
} from '../../../lib/huawei/signer.ts';
import { startHuaweiSimulator } from '../../../local/huawei-simulator/server.ts';
import type {
  HuaweiSimulator,
  HuaweiSimulatorOptions,
} from '../../../local/huawei-simulator/types.ts';

export const PROJECT_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const OTHER_PROJECT_ID = 'ffeeddccbbaa99887766554433221100';
export const CONNECTION_ID = 'cae286f2-demo-a8df-va86-e22416ca1220';
export const SECOND_CONNECTION_ID = '5b2f1c7e-0d9a-4c1e-9b7f-2a6e3d4c5b6a';
export const UNKNOWN_CONNECTION_ID = '00000000-0000-4000-a000-000000000000';
export const CREDENTIALS: HuaweiCredentials = {
  ak: 'SIMTESTAK00000000001',
  sk: 'sim-test-secret-key-that-must-never-be-echoed',
};
/** The simulator's clock starts here in every test: 2026-06-11T08:00:00Z. */
const START = Date.parse('2026-06-11T08:00:00Z');

/** A JSON answer, loosely typed for assertions. */
export type Json = Record<string, unknown>;

export interface CallOptions {
  method?: string;
  path: string;
  body?: string | Json;
  credentials?: HuaweiCredentials;
  /** X-Sdk-Date; defaults to the test clock. */
  date?: Date;
  /** Extra headers, set before signing (and signed). */
  headers?: Record<string, string>;
  /**
   * Which headers to sign; default every header set. When given, the request is signed with the
   * signer's primitives, so it can also sign what the project's signer refuses to (no date).
   */
  signedHeaders?: string[];
  /** Changes the headers after signing, to send something other than what was signed. */
  afterSigning?: (headers: Record<string, string>) => void;
  /** Changes the body after signing. */
  sendBody?: string;
  dispatcher?: Dispatcher;
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as JSON; `{}` when empty or not JSON (a broken answer: read `text`). */
  json: Json;
}

const jsonOf = (text: string): Json => {
  try {
    return text === '' ? {} : (JSON.parse(text) as Json);
  } catch {
    return {};
  }
};

const signOnly = (
  request: RequestToSign,
  credentials: HuaweiCredentials,
  signedHeaders: readonly string[],
): string => {
  const names = [...signedHeaders].sort();
  const canonical = canonicalRequest(request, names);
  const signature = computeSignature(
    credentials.sk,
    request.headers['x-sdk-date'] ?? '',
    canonical,
  );
  return `${SIGNING_ALGORITHM} Access=${credentials.ak}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
};

/** Signs a request the way the project's client does (AK/SK, every header signed) and sends it. */
export const callApi = async (
  endpoint: string,
  clockNow: number,
  options: CallOptions,
): Promise<CallResult> => {
  const method = options.method ?? 'GET';
  const url = new URL(`${endpoint}${options.path}`);
  const body =
    options.body === undefined
      ? ''
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const projectId = /^\/v5\/([^/]+)/.exec(url.pathname)?.[1];
  const credentials = options.credentials ?? CREDENTIALS;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    host: url.host,
    'x-sdk-date': formatSdkDate(options.date ?? new Date(clockNow)),
    ...(projectId === undefined ? {} : { 'x-project-id': projectId }),
    ...(credentials.securityToken === undefined
      ? {}
      : { 'x-security-token': credentials.securityToken }),
    ...options.headers,
  };
  const toSign: RequestToSign = { method, url, headers, body };
  headers.authorization =
    options.signedHeaders === undefined
      ? authorization(toSign, credentials)
      : signOnly(toSign, credentials, options.signedHeaders);
  options.afterSigning?.(headers);
  const sent = options.sendBody ?? body;
  const response = await request(url, {
    method: method as Dispatcher.HttpMethod,
    headers,
    ...(sent === '' ? {} : { body: sent }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    text,
    json: jsonOf(text),
  };
};

/** A simulator on a test clock, with a `call` bound to it. */
export interface TestSimulator {
  sim: HuaweiSimulator;
  clock: { now: number };
  call: (options: CallOptions) => Promise<CallResult>;
  createMonitor: (connectionId: string, projectId?: string) => Promise<CallResult>;
}

/** Starts a simulator with one project holding two ACTIVE connections, on a test clock. */
export const startTestSimulator = async (
  overrides: Partial<HuaweiSimulatorOptions> = {},
): Promise<TestSimulator> => {
  const clock = { now: START };
  const sim = await startHuaweiSimulator({
    credentials: [CREDENTIALS],
    projects: { [PROJECT_ID]: [CONNECTION_ID, SECOND_CONNECTION_ID] },
    now: () => clock.now,
    ...overrides,
  });
  const call = (options: CallOptions) => callApi(sim.endpoint, clock.now, options);
  const createMonitor = (connectionId: string, projectId = PROJECT_ID) =>
    call({
      method: 'POST',
      path: `/v5/${projectId}/connection-monitors`,
      body: { connection_monitor: { vpn_connection_id: connectionId } },
    });
  return { sim, clock, call, createMonitor };
};

/** A `sleep` for the `sleep` option that waits until the test releases it. */
export const controllableSleep = () => {
  const waiting: { ms: number; release: () => void }[] = [];
  return {
    waiting,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        waiting.push({ ms, release: resolve });
      }),
    releaseAll: () => {
      for (const entry of waiting.splice(0)) entry.release();
    },
  };
};
