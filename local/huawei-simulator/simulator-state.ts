import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_ANSWER_PROFILE } from './answer-profiles.ts';
import type { VpnApiContext } from './api-common.ts';
import { type AuthVerifier, createAuthVerifier } from './auth.ts';
import { type CloudEyeState, createCloudEyeState } from './cloud-eye-state.ts';
import { type ConnectionEvents, createConnectionEvents } from './connection-events.ts';
import { type ErrorFormat, SimulatorUsageError } from './errors.ts';
import { createFaultInjector, type FaultInjector } from './faults.ts';
import { createIdentityState, type IdentityState } from './identity/identity-state.ts';
import { createOidcVerifier, type OidcVerifier } from './identity/oidc-verifier.ts';
import { generatedConnectionId } from './ids.ts';
import { createLockoutTracker, DEFAULT_LOCKOUT } from './lockout.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { createRequestLog, type RequestLog } from './request-log.ts';
import {
  type AnswerProfile,
  type AnswerProfileChange,
  answerProfileSchema,
  readyAfterMsSchema,
  simulatorCredentialsSchema,
} from './schemas.ts';
import { createStatsRecorder, type StatsRecorder } from './stats.ts';
import { createStore } from './store.ts';
import type { HuaweiSimulatorControl, HuaweiSimulatorOptions } from './types.ts';

/** Everything a request handler needs, shared by the API and the control surface. */
export interface SimulatorContext {
  api: VpnApiContext;
  verifier: AuthVerifier;
  faults: FaultInjector;
  stats: StatsRecorder;
  errorFormat: ErrorFormat;
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds every API request waits before it is handled. */
  latency: { ms: number };
  /** The per-project request rate limit, when one is set. */
  rateLimit: RateLimiter;
  /** Huawei STS and IAM: accounts, agencies, OIDC providers, temporary credentials. */
  identity: IdentityState;
  oidc: OidcVerifier;
  /** Cloud Eye's batch metric query: injected health, its own rate limit, its error format. */
  cloudEye: CloudEyeState;
  /** Every API request served, when asked for (`traceRequests`): timing breakdowns. */
  requestLog: RequestLog;
}

const checkedLatency = (ms: number): number => {
  if (!Number.isInteger(ms) || ms < 0) {
    throw new SimulatorUsageError(`Latency must be a whole number of milliseconds, not ${ms}`);
  }
  return ms;
};

const mergedProfile = (base: AnswerProfile, change: AnswerProfileChange = {}): AnswerProfile =>
  answerProfileSchema.parse({
    alreadyExists: change.alreadyExists ?? base.alreadyExists,
    notReady: change.notReady ?? base.notReady,
    notFound: change.notFound ?? base.notFound,
  });

/**
 * Builds the simulator's state and its control API from the options; `signal` aborts pending
 * `delay` faults when the server stops.
 */
export const createSimulatorState = (
  options: HuaweiSimulatorOptions,
  signal: AbortSignal,
): { context: SimulatorContext; control: HuaweiSimulatorControl; events: ConnectionEvents } => {
  const now = options.now ?? Date.now;
  const policy = { ...DEFAULT_LOCKOUT, ...options.lockout };
  const initialCredentials = simulatorCredentialsSchema.parse(options.credentials);
  const lockout = createLockoutTracker(policy, now);
  const identity = createIdentityState(options.identity ?? { accounts: [] }, now);
  const oidc = createOidcVerifier();
  const verifier = createAuthVerifier({
    credentials: initialCredentials,
    now,
    lockout,
    lookupKey: (ak) => identity.key(ak),
  });
  const store = createStore(now);
  const faults = createFaultInjector();
  const stats = createStatsRecorder();
  const latency = { ms: checkedLatency(options.latencyMs ?? 0) };
  const rateLimit = createRateLimiter(options.rateLimit, now);
  const events = createConnectionEvents();
  const cloudEye = createCloudEyeState(options.cloudEyeRateLimit, now, options.cloudEyeErrorFormat);
  const requestLog = createRequestLog();
  const initialAnswers = (): VpnApiContext['answers'] => ({
    profile: mergedProfile(DEFAULT_ANSWER_PROFILE, options.answerProfile),
    readyAfterMs: readyAfterMsSchema.parse(options.readyAfterMs ?? 0),
  });
  const api: VpnApiContext = {
    store,
    answers: initialAnswers(),
    domainIds: { ...options.domainIds },
    connectionCreated: (event) => events.emit(event),
  };

  const seed = (): void => {
    for (const account of options.identity?.accounts ?? []) {
      for (const projectId of Object.keys(account.projects)) store.addProject(projectId);
    }
    for (const [projectId, connections] of Object.entries(options.projects ?? {})) {
      store.addProject(projectId);
      if (typeof connections === 'number') {
        for (let index = 0; index < connections; index += 1) {
          store.addConnection(projectId, { id: generatedConnectionId(projectId, index) });
        }
      } else {
        for (const connection of connections) {
          store.addConnection(
            projectId,
            typeof connection === 'string' ? { id: connection } : connection,
          );
        }
      }
    }
  };
  seed();

  const control: HuaweiSimulatorControl = {
    addProject: (projectId) => store.addProject(projectId),
    addConnection(projectId, connection, status) {
      const seed = {
        ...(typeof connection === 'string' ? { id: connection } : connection),
        ...(status === undefined ? {} : { status }),
      };
      const added = store.addConnection(projectId, seed);
      const domainId = api.domainIds[projectId];
      events.emit({
        projectId,
        connection: added,
        request: { ...seed },
        response: { vpn_connection: added },
        via: 'control',
        ...(domainId === undefined ? {} : { domainId }),
      });
      return added;
    },
    setConnectionStatus: (projectId, id, status) =>
      store.setConnectionStatus(projectId, id, status),
    removeConnection: (projectId, id, options) => store.removeConnection(projectId, id, options),
    connections: (projectId) => store.connections(projectId),
    monitors: (projectId) => store.allMonitors(projectId),
    injectFault: (rule) => faults.inject(rule),
    pendingFaults: () => faults.pending(),
    clearFaults: () => faults.clear(),
    setRandomFaults: (settings) => faults.setRandom(settings),
    setLatency: (ms) => {
      latency.ms = checkedLatency(ms);
    },
    setRateLimit: (limit) => rateLimit.set(limit),
    setAnswerProfile(change) {
      api.answers.profile = mergedProfile(api.answers.profile, change);
      return { ...api.answers.profile };
    },
    setReadyAfter(ms) {
      api.answers.readyAfterMs = readyAfterMsSchema.parse(ms);
    },
    setConnectionHealth: (projectId, connectionId, health) =>
      cloudEye.setHealth(projectId, connectionId, health),
    setCloudEyeRateLimit: (limit) => cloudEye.rateLimit.set(limit),
    setCloudEyeErrorFormat: (format) => cloudEye.setErrorFormat(format),
    cloudEyeStats: () => cloudEye.stats(),
    setCredentials: (credentials) =>
      verifier.setCredentials(simulatorCredentialsSchema.parse(credentials)),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    reset() {
      store.clear();
      seed();
      faults.clear();
      lockout.reset();
      verifier.setCredentials(initialCredentials);
      stats.reset();
      latency.ms = checkedLatency(options.latencyMs ?? 0);
      rateLimit.set(options.rateLimit);
      api.answers = initialAnswers();
      identity.reset();
      oidc.reset();
      cloudEye.reset();
    },
  };

  const sleep = options.sleep ?? ((ms: number) => delay(ms, undefined, { signal }));
  return {
    context: {
      api,
      verifier,
      faults,
      stats,
      errorFormat: options.errorFormat ?? 'error-code',
      sleep,
      latency,
      rateLimit,
      identity,
      oidc,
      cloudEye,
      requestLog,
    },
    control,
    events,
  };
};
