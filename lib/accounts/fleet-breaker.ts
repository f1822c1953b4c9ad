import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialsBreakerOpenError, DeadlineExceededError, HuaweiApiError } from '../errors.ts';
import { type CredentialsProvider, credentialsIdentity } from '../huawei/index.ts';
import type { BreakerState, BreakerStore } from './breaker-store.ts';

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

/** One invocation's view of the breaker: read once at its start, consulted before a probe. */
export interface BreakerSession {
  /** Resolves `trusted` (call freely) or `probe` (this call is the fleet's one probe); throws when open. */
  admit(): Promise<'trusted' | 'probe'>;
  /** The probe (or any call) succeeded or was answered past authentication. */
  proved(startedAt: number): Promise<void>;
  /** Huawei refused the credentials. */
  refused(error: HuaweiApiError): Promise<void>;
}

const refusalOf = (state: BreakerState | undefined): HuaweiApiError | undefined =>
  state?.lastStatus === undefined
    ? undefined
    : new HuaweiApiError('call', {
        status: state.lastStatus,
        code: state.lastCode,
        huaweiMessage: 'credentials refused earlier; no call made with them since',
        requestId: state.lastRequestId,
      });

/**
 * The breaker of one container: which identities it proved itself, and a session per
 * invocation. Build one per container with the store (the idempotency table) and settings.
 */
export class CredentialBreaker {
  readonly #provenHere = new Set<string>();
  readonly #owner = randomUUID();
  readonly #store: BreakerStore;
  readonly #settings: BreakerSettings;
  readonly #now: () => number;
  readonly #onStoreError: (error: unknown) => void;

  public constructor(options: {
    store: BreakerStore;
    settings: BreakerSettings;
    /** Told when the breaker's own write fails; the call's outcome stands regardless. */
    onStoreError?: (error: unknown) => void;
    now?: () => number;
  }) {
    this.#onStoreError = options.onStoreError ?? (() => undefined);
    this.#store = options.store;
    this.#settings = options.settings;
    this.#now = options.now ?? Date.now;
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
  ): BreakerSession {
    const startedAt = this.#now();
    const load = async () => {
      const identity = credentialsIdentity(await credentials.get());
      return { identity, state: await this.#store.read(identity) };
    };
    let current = load();
    current.catch(() => undefined);
    let refreshed = false;
    const admit = async (): Promise<'trusted' | 'probe'> => {
      for (;;) {
        const { identity, state } = await current;
        const now = this.#now();
        const verdict = breakerVerdict(
          state,
          {
            now,
            owner: this.#owner,
            provenHere: this.#provenHere.has(identity),
            freshSince: startedAt,
            canChange,
          },
          this.#settings,
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
          const leased = await this.#store.acquire(
            identity,
            this.#owner,
            now,
            this.#settings.leaseMs,
            state?.refusals ?? 0,
          );
          if (leased) return 'probe';
        } else {
          const wait = Math.min(
            verdict.untilMs - now + 1,
            this.#settings.pollMs * (0.5 + Math.random()),
          );
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
      admit,
      proved: async (callStartedAt) => {
        const { identity } = await current;
        if (this.#provenHere.has(identity)) return;
        this.#provenHere.add(identity);
        await this.#store.prove(identity, this.#now(), callStartedAt).catch(this.#onStoreError);
      },
      refused: async (error) => {
        const { identity } = await current;
        this.#provenHere.delete(identity);
        await this.#store
          .refuse(identity, this.#now(), {
            status: error.status,
            code: error.code,
            requestId: error.requestId,
          })
          .catch(this.#onStoreError);
      },
    };
  }
}
