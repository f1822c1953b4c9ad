import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * What the fleet knows about one credentials identity. `refusals` counts Huawei's refusals in
 * a row (a success sets it back to 0); a lease names the one container allowed to probe.
 */
export interface BreakerState {
  refusals: number;
  /** Epoch ms of the last refusal. */
  lastRefusalAt: number | undefined;
  /** What Huawei answered then, so that postponed and dead-lettered records can say it. */
  lastStatus: number | undefined;
  lastCode: string | undefined;
  lastRequestId: string | undefined;
  /** Epoch ms of the last call that proved the credentials. */
  provenAt: number | undefined;
  leaseOwner: string | undefined;
  /** Epoch ms until which `leaseOwner` alone may probe. */
  leaseUntil: number | undefined;
}

/** A refusal as the breaker stores it. */
interface Refusal {
  status: number;
  code: string | undefined;
  requestId: string | undefined;
}

/** Where the fleet keeps its breakers: shared by every container, the reconcile run too. */
export interface BreakerStore {
  read(identity: string): Promise<BreakerState | undefined>;
  /**
   * Takes the probe lease for `leaseMs`, only if nobody else holds a live one and the refusal
   * count is still `refusals`; answers whether it got it.
   */
  acquire(
    identity: string,
    owner: string,
    now: number,
    leaseMs: number,
    refusals: number,
  ): Promise<boolean>;
  /** Records that a call which started at `startedAt` succeeded; a later refusal is kept. */
  prove(identity: string, now: number, startedAt: number): Promise<void>;
  refuse(identity: string, now: number, refusal: Refusal): Promise<void>;
}

/** The partition key of an identity's breaker item; beside the idempotency records, never among them. */
const breakerKey = (identity: string): string => `vpn-monitor-provisioner.breaker#${identity}`;

const num = (value: AttributeValue | undefined): number | undefined =>
  value?.N === undefined ? undefined : Number(value.N);

const n = (value: number): AttributeValue => ({ N: String(value) });
const s = (value: string): AttributeValue => ({ S: value });

/**
 * The breakers as items of the idempotency table (partition key `id`, TTL attribute
 * `expiration`, Powertools' schema): no new table, and the function's role can already read
 * and write it. An item expires `ttlSeconds` after its last change.
 */
export const createDynamoBreakerStore = (options: {
  client: DynamoDBClient;
  tableName: string;
  ttlSeconds: number;
}): BreakerStore => {
  const { client, tableName } = options;
  const key = (identity: string) => ({ id: s(breakerKey(identity)) });
  const expiration = (now: number) => n(Math.floor(now / 1000) + options.ttlSeconds);
  return {
    read: async (identity) => {
      const { Item: item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: key(identity), ConsistentRead: true }),
      );
      if (!item) return undefined;
      return {
        refusals: num(item.refusals) ?? 0,
        lastRefusalAt: num(item.lastRefusalAt),
        lastStatus: num(item.lastStatus),
        lastCode: item.lastCode?.S,
        lastRequestId: item.lastRequestId?.S,
        provenAt: num(item.provenAt),
        leaseOwner: item.leaseOwner?.S,
        leaseUntil: num(item.leaseUntil),
      };
    },
    acquire: async (identity, owner, now, leaseMs, refusals) => {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(identity),
            UpdateExpression:
              'SET leaseOwner = :owner, leaseUntil = :until, expiration = :exp, refusals = if_not_exists(refusals, :zero)',
            ConditionExpression:
              '(attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseOwner = :owner) AND (attribute_not_exists(refusals) OR refusals = :refusals)',
            ExpressionAttributeValues: {
              ':owner': s(owner),
              ':until': n(now + leaseMs),
              ':exp': expiration(now),
              ':zero': n(0),
              ':now': n(now),
              ':refusals': n(refusals),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    prove: async (identity, now, startedAt) => {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(identity),
            UpdateExpression:
              'SET refusals = :zero, provenAt = :now, expiration = :exp REMOVE leaseOwner, leaseUntil, lastRefusalAt, lastStatus, lastCode, lastRequestId',
            ConditionExpression: 'attribute_not_exists(lastRefusalAt) OR lastRefusalAt < :started',
            ExpressionAttributeValues: {
              ':zero': n(0),
              ':now': n(now),
              ':exp': expiration(now),
              ':started': n(startedAt),
            },
          }),
        );
      } catch (error) {
        // A refusal landed after our call started: the key changed under us; keep the refusal.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    refuse: async (identity, now, refusal) => {
      const values: Record<string, AttributeValue> = {
        ':one': n(1),
        ':now': n(now),
        ':exp': expiration(now),
        ':status': n(refusal.status),
      };
      let set = 'SET lastRefusalAt = :now, expiration = :exp, lastStatus = :status';
      const remove = ['leaseOwner', 'leaseUntil'];
      for (const [name, value] of [
        ['lastCode', refusal.code],
        ['lastRequestId', refusal.requestId],
      ] as const) {
        if (value === undefined) remove.push(name);
        else {
          set += `, ${name} = :${name}`;
          values[`:${name}`] = s(value);
        }
      }
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(identity),
          UpdateExpression: `${set} ADD refusals :one REMOVE ${remove.join(', ')}`,
          ExpressionAttributeValues: values,
        }),
      );
    },
  };
};
