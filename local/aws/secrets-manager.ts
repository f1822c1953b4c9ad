import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody, sendError, sendJson } from './aws-json-protocol.ts';
import { isJsonObject } from './json.ts';
import { closeServer, listenOnLoopback } from './loopback.ts';

/** A running Secrets Manager stand-in: `GetSecretValue` and `PutSecretValue` on secrets in memory. */
export interface LocalSecretsManager {
  /** `http://127.0.0.1:<port>`: `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  endpoint: string;
  /** Sets a secret's value (creates it when new), as a rotation would. */
  put(secretId: string, value: string): void;
  /** `GetSecretValue` calls answered so far. */
  reads(): number;
  stop(): Promise<void>;
}

const ACCOUNT_ID = '000000000000';

/**
 * Starts a Secrets Manager stand-in on a free loopback port. It speaks the AWS JSON 1.1
 * protocol the AWS SDK v3 uses (`X-Amz-Target: secretsmanager.<Action>`), for the two actions
 * the local stack needs; a secret named by id or ARN is found either way.
 */
export const startSecretsManager = async (
  secrets: Record<string, string> = {},
  region = 'eu-west-1',
): Promise<LocalSecretsManager> => {
  const store = new Map(Object.entries(secrets));
  let reads = 0;
  const arnOf = (name: string) =>
    `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${name}-AbCdEf`;
  const nameOf = (id: string) => {
    for (const name of store.keys()) if (id === name || id === arnOf(name)) return name;
    return undefined;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const action = String(request.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
    let input: unknown;
    try {
      input = JSON.parse(await readBody(request));
    } catch {
      sendError(response, 400, 'SerializationException', 'The body is not JSON');
      return;
    }
    const secretId = isJsonObject(input) ? input.SecretId : undefined;
    if (typeof secretId !== 'string') {
      sendError(response, 400, 'InvalidParameterException', 'SecretId is required');
      return;
    }
    if (
      action === 'PutSecretValue' &&
      isJsonObject(input) &&
      typeof input.SecretString === 'string'
    ) {
      const name = nameOf(secretId) ?? secretId;
      store.set(name, input.SecretString);
      sendJson(response, 200, { ARN: arnOf(name), Name: name, VersionId: randomUUID() });
      return;
    }
    if (action !== 'GetSecretValue') {
      sendError(response, 400, 'InvalidAction', `${action} is not supported by this stand-in`);
      return;
    }
    const name = nameOf(secretId);
    const value = name === undefined ? undefined : store.get(name);
    if (name === undefined || value === undefined) {
      sendError(
        response,
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
      return;
    }
    reads++;
    sendJson(response, 200, {
      ARN: arnOf(name),
      Name: name,
      SecretString: value,
      VersionId: randomUUID(),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Date.now() / 1000,
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendError(
        response,
        500,
        'InternalServiceError',
        error instanceof Error ? error.message : 'error',
      );
    });
  });
  const endpoint = await listenOnLoopback(server);
  return {
    endpoint,
    put: (secretId, value) => store.set(nameOf(secretId) ?? secretId, value),
    reads: () => reads,
    stop: () => closeServer(server),
  };
};
