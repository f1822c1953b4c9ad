import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CredentialsBreakerOpenError, DeadlineExceededError, HuaweiApiError } from '../errors.ts';
import { type CredentialsProvider, credentialsIdentity } from '../huawei/index.ts';

/** How the breaker behaves; the defaults are the production values. */
export interface BreakerSettings {
  /**
   * Credentials that cannot change (the environment's) are probed again after this long,
   * growing fivefold per refusal in a row; a secret's are tried again only once it changes.
   */
  cooldownMs: number;
  /** After this many refusals in a row nobody probes again until the credentials change. */
  maxRefusalsInARow: number;
  /** How long a probe lease lasts: longer than one Huawei attempt. */
  leaseMs: number;
  /** How often a container waiting for another's probe looks again. */
  pollMs: number;
}

/** What the breaker allows a container to do now. */
export type Verdict =
  | { kind: 'trusted' }
  | { kind: 'probe' }
  | { kind: 'wait'; untilMs: number }
  | { kind: 'open'; retryAt: number | undefined };

/**
 * The breaker's rule, as a pure function. Credentials are trusted when nobody has seen them
 * refused since their last success and either this container proved them or someone did
 * after `freshSince`; otherwise one container takes the lease and probes while the others wait.
 * Three refusals in a row hold the breaker open until the credentials change: Huawei locks a
 * key after more than five failures in a row, whoever sends them.
 */
export const breakerVerdict = (
  state: BreakerState | undefined,
  context: {
    now: number;
    owner: string;
    provenHere: boolean;
    freshSince: number;
    canChange: boolean;
  },
  settings: Pick<BreakerSettings, 'cooldownMs' | 'maxRefusalsInARow'>,
): Verdict => {
  const { now } = context;
  if (state && state.refusals > 0) {
    if (context.canChange || state.refusals >= settings.maxRefusalsInARow) {
      return { kind: 'open', retryAt: undefined };
    }
    const retryAt = (state.lastRefusalAt ?? now) + settings.cooldownMs * 5 ** (state.refusals - 1);
    if (now < retryAt) return { kind: 'open', retryAt };
  } else if (context.provenHere || (state?.provenAt ?? -1) >= context.freshSince) {
    return { kind: 'trusted' };
  }
  if (
    state?.leaseUntil !== undefined &&
    state.leaseUntil >= now &&
    state.leaseOwner !== context.owner
  ) {
    return { kind: 'wait', untilMs: state.leaseUntil };
  }
  return { kind: 'probe' };
};

const refusalOf = (state: BreakerState | undefined): HuaweiApiError | undefined =>
  state?.lastStatus === undefined
    ? undefined
    : new HuaweiApiError('API call', {
        status: state.lastStatus,
        code: state.lastCode,
        huaweiMessage: 'credentials refused earlier; no call made with them since',
        requestId: state.lastRequestId,
      });

/** Where the fleet keeps its breakers ({@link createDynamoBreakerStore}). */
type BreakerStore = ReturnType<typeof createDynamoBreakerStore>;

/** A container's breaker: the fleet's store and the rules. */
interface BreakerOptions {
  store: BreakerStore;
  settings: BreakerSettings;
  /** Told when the breaker's own write fails; the call's outcome stands regardless. */
  onStoreError?: ((error: unknown) => void) | undefined;
  now?: () => number;
}

/**
 * The breaker of one container: which identities it proved itself, and a session per
 * invocation. Build one per container with the store (the idempotency table) and settings.
 */
export class CredentialBreaker {
  readonly #provenHere = new Set<string>();
  readonly #owner = randomUUID();
  readonly #options: BreakerOptions;

  public constructor(options: BreakerOptions) {
    this.#options = options;
  }

  /**
   * Starts an invocation's session for one set of credentials (one account's) and its breaker
   * read at once, so that the read runs beside the records' first DynamoDB writes; the first
   * Huawei call awaits it. `canChange`: whether the credentials can change without a redeploy
   * (a secret, an agency's temporary keys: yes; the environment's: no).
   */
  public session(
    budget: { deadline: number; signal?: AbortSignal | undefined },
    credentials: CredentialsProvider,
    canChange: boolean,
  ) {
    const {
      store,
      settings,
      onStoreError = () => undefined,
      now: clock = Date.now,
    } = this.#options;
    const startedAt = clock();
    const load = async () => {
      const identity = credentialsIdentity(await credentials.get());
      return { identity, state: await store.read(identity) };
    };
    let current = load();
    current.catch(() => undefined);
    let refreshed = false;
    const admit = async (): Promise<'trusted' | 'probe'> => {
      for (;;) {
        const { identity, state } = await current;
        const now = clock();
        const verdict = breakerVerdict(
          state,
          {
            now,
            owner: this.#owner,
            provenHere: this.#provenHere.has(identity),
            freshSince: startedAt,
            canChange,
          },
          settings,
        );
        if (verdict.kind === 'trusted') {
          this.#provenHere.add(identity);
          return 'trusted';
        }
        if (verdict.kind === 'open') {
          if (canChange && !refreshed) {
            // Another container saw these credentials refused: read the secret again, in case
            // it was rotated since this container cached it.
            refreshed = true;
            credentials.refresh();
            current = load();
            continue;
          }
          throw new CredentialsBreakerOpenError(verdict.retryAt, refusalOf(state));
        }
        if (verdict.kind === 'probe') {
          const leased = await store.acquire(
            identity,
            this.#owner,
            now,
            settings.leaseMs,
            state?.refusals ?? 0,
          );
          if (leased) return 'probe';
        } else {
          const wait = Math.min(verdict.untilMs - now + 1, settings.pollMs * (0.5 + Math.random()));
          if (now + wait > budget.deadline || budget.signal?.aborted) {
            throw new DeadlineExceededError(
              'Another container is probing the Huawei credentials and the invocation has no time left to wait; the record will be redelivered',
            );
          }
          await sleep(
            Math.max(1, wait),
            undefined,
            budget.signal ? { signal: budget.signal } : {},
          ).catch(() => undefined);
        }
        current = load();
      }
    };
    return {
      /** Resolves `trusted` (call freely) or `probe` (this call is the fleet's one probe); throws when open. */
      admit,
      /** The probe (or any call) succeeded or was answered past authentication. */
      proved: async (callStartedAt: number): Promise<void> => {
        const { identity } = await current;
        if (this.#provenHere.has(identity)) return;
        this.#provenHere.add(identity);
        await store.prove(identity, clock(), callStartedAt).catch(onStoreError);
      },
      /** Huawei refused the credentials. */
      refused: async (error: HuaweiApiError): Promise<void> => {
        const { identity } = await current;
        this.#provenHere.delete(identity);
        await store.refuse(identity, clock(), error).catch(onStoreError);
      },
    };
  }
}

/** One invocation's view of the breaker: read once at its start, consulted before a probe. */
export type BreakerSession = ReturnType<CredentialBreaker['session']>;

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

const num = (value: AttributeValue | undefined): number | undefined =>
  value?.N === undefined ? undefined : Number(value.N);

const n = (value: number): AttributeValue => ({ N: String(value) });
const s = (value: string): AttributeValue => ({ S: value });

/**
 * Where the fleet keeps its breakers, shared by every container (the reconcile run too): items
 * of the idempotency table (partition key `id`, TTL attribute `expiration`, Powertools'
 * schema), so no new table, and the function's role can already read and write it. An item
 * expires `ttlSeconds` after its last change.
 */
export const createDynamoBreakerStore = (options: {
  client: DynamoDBClient;
  tableName: string;
  ttlSeconds: number;
}) => {
  const { client, tableName } = options;
  // Beside the idempotency records, never among them.
  const key = (identity: string) => ({ id: s(`vpn-monitor-provisioner.breaker#${identity}`) });
  const expiration = (now: number) => n(Math.floor(now / 1000) + options.ttlSeconds);
  const update = (
    identity: string,
    input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
  ): Promise<unknown> =>
    client.send(new UpdateItemCommand({ TableName: tableName, Key: key(identity), ...input }));
  return {
    read: async (identity: string): Promise<BreakerState | undefined> => {
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
    /**
     * Takes the probe lease for `leaseMs`, only if nobody else holds a live one and the refusal
     * count is still `refusals`; answers whether it got it.
     */
    acquire: async (
      identity: string,
      owner: string,
      now: number,
      leaseMs: number,
      refusals: number,
    ): Promise<boolean> => {
      try {
        await update(identity, {
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
        });
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    /** Records that a call which started at `startedAt` succeeded; a later refusal is kept. */
    prove: async (identity: string, now: number, startedAt: number): Promise<void> => {
      try {
        await update(identity, {
          UpdateExpression:
            'SET refusals = :zero, provenAt = :now, expiration = :exp REMOVE leaseOwner, leaseUntil, lastRefusalAt, lastStatus, lastCode, lastRequestId',
          ConditionExpression: 'attribute_not_exists(lastRefusalAt) OR lastRefusalAt < :started',
          ExpressionAttributeValues: {
            ':zero': n(0),
            ':now': n(now),
            ':exp': expiration(now),
            ':started': n(startedAt),
          },
        });
      } catch (error) {
        // A refusal landed after our call started: the key changed under us; keep the refusal.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    refuse: async (
      identity: string,
      now: number,
      refusal: Pick<HuaweiApiError, 'status' | 'code' | 'requestId'>,
    ): Promise<void> => {
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
      await update(identity, {
        UpdateExpression: `${set} ADD refusals :one REMOVE ${remove.join(', ')}`,
        ExpressionAttributeValues: values,
      });
    },
  };
};
