import { createServer } from 'node:http';
import { readBody, sendError, sendJson } from './aws-json-protocol.ts';
import { closeServer, listenOnLoopback } from './loopback.ts';

/** A running Secrets Manager stand-in: `GetSecretValue` over secrets held in memory. */
export interface LocalSecretsManager {
  /** Base URL for `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  endpoint: string;
  /** Sets (or replaces) a secret's string value, as a rotation does. */
  put(secretId: string, value: string): void;
  /** How many times each secret was read. */
  reads(secretId: string): number;
  stop(): Promise<void>;
}

/**
 * Starts a Secrets Manager stand-in on 127.0.0.1 that answers `GetSecretValue` (AWS JSON 1.1,
 * as `@aws-sdk/client-secrets-manager` sends it) from `secrets`; anything else is refused.
 */
export const startLocalSecretsManager = async (
  secrets: Readonly<Record<string, string>> = {},
): Promise<LocalSecretsManager> => {
  const values = new Map(Object.entries(secrets));
  const reads = new Map<string, number>();
  const server = createServer((request, response) => {
    readBody(request).then(
      (text) => {
        if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
          sendError(response, 400, 'UnknownOperationException', 'Only GetSecretValue is served');
          return;
        }
        let secretId = '';
        try {
          secretId = String((JSON.parse(text) as { SecretId?: unknown }).SecretId ?? '');
        } catch {
          secretId = '';
        }
        const value = values.get(secretId);
        reads.set(secretId, (reads.get(secretId) ?? 0) + 1);
        if (value === undefined) {
          sendError(
            response,
            400,
            'ResourceNotFoundException',
            "Secrets Manager can't find the specified secret.",
          );
          return;
        }
        sendJson(response, 200, {
          ARN: `arn:aws:secretsmanager:eu-west-1:000000000000:secret:${secretId}`,
          Name: secretId,
          SecretString: value,
          VersionId: 'local',
          VersionStages: ['AWSCURRENT'],
        });
      },
      () => response.destroy(),
    );
  });
  const endpoint = await listenOnLoopback(server);
  return {
    endpoint,
    put: (secretId, value) => values.set(secretId, value),
    reads: (secretId) => reads.get(secretId) ?? 0,
    stop: () => closeServer(server),
  };
};
