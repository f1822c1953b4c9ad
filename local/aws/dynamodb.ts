import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  BillingMode,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  TableStatus,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import {
  closeServer,
  DEFAULT_LOCAL_REGION,
  LOCAL_CREDENTIALS,
  listenOnLoopback,
  sleep,
} from './loopback.ts';

/** Options of {@link startDynamoDb}. */
export interface StartDynamoDbOptions {
  /** The idempotency table to create (partition key `id`, a string). */
  tableName: string;
  /** Region the setup client signs for; dynalite ignores it. Default `eu-west-1`. */
  region?: string;
}

/** A running DynamoDB emulator holding the idempotency table. */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`: pass it as `endpoint` to `DynamoDBClient`. */
  endpoint: string;
  tableName: string;
  /** Starts (emptied) or stops keeping every request served, for timing breakdowns. */
  traceRequests(on: boolean): void;
  /** The requests kept since `traceRequests(true)`, oldest first. */
  requests(): readonly DynamoDbRequest[];
  stop(): Promise<void>;
}

/** One DynamoDB request as the emulator served it. */
export interface DynamoDbRequest {
  /** `PutItem`, `GetItem`, `UpdateItem`... */
  operation: string;
  /** Whether the item is the credential breaker's (else an idempotency record). */
  breaker: boolean;
  startedAt: number;
  endedAt: number;
}

/** Keeps requests once asked to; the listener costs nothing while tracing is off. */
const traceServer = (server: Server) => {
  let on = false;
  let entries: DynamoDbRequest[] = [];
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!on) return;
    const startedAt = Date.now();
    const target = String(request.headers['x-amz-target'] ?? '');
    let head = '';
    request.on('data', (chunk: Buffer) => {
      if (head.length < 512) head += chunk.toString('utf8', 0, 512);
    });
    response.on('finish', () => {
      entries.push({
        operation: target.slice(target.indexOf('.') + 1),
        breaker: head.includes('.breaker#'),
        startedAt,
        endedAt: Date.now(),
      });
    });
  });
  return {
    traceRequests: (next: boolean) => {
      on = next;
      if (next) entries = [];
    },
    requests: () => entries,
  };
};

const TABLE_ACTIVE_TIMEOUT_MS = 5_000;
const TABLE_POLL_MS = 10;

const waitUntilActive = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  const deadline = Date.now() + TABLE_ACTIVE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === TableStatus.ACTIVE) return;
    await sleep(TABLE_POLL_MS);
  }
  throw new Error(`Table ${tableName} was not ACTIVE after ${TABLE_ACTIVE_TIMEOUT_MS} ms`);
};

/**
 * Starts dynalite in memory on a free loopback port and creates `tableName` with Powertools'
 * idempotency schema (`id` HASH string, on demand). dynalite has no UpdateTimeToLive, so TTL
 * on `expiration` is not enabled: expired records stay, which Powertools tolerates because it
 * checks `expiration` itself.
 */
export const startDynamoDb = async (options: StartDynamoDbOptions): Promise<LocalDynamoDb> => {
  const { tableName } = options;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = await listenOnLoopback(server);
  const client = new DynamoDBClient({
    endpoint,
    region: options.region ?? DEFAULT_LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: BillingMode.PAY_PER_REQUEST,
      }),
    );
    await waitUntilActive(client, tableName);
    return { endpoint, tableName, ...traceServer(server), stop: () => closeServer(server) };
  } catch (error) {
    await closeServer(server);
    throw error;
  } finally {
    client.destroy();
  }
};
