import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HuaweiApiError, HuaweiCallsStoppedError, PermissionRefusedError } from '../errors.ts';
import type { VpnTarget } from '../huawei/index.ts';
import { isKeyRefusal } from '../retry/index.ts';
import {
  type BreakerSession,
  CredentialBreaker,
  createDynamoBreakerStore,
} from './fleet-breaker.ts';
import type { AccountAccess } from './registry.ts';

/**
 * Keeps concurrent records from locking the Huawei key (Huawei locks it after five failures),
 * and a project without permissions from being asked again. Until a call has shown that the
 * credentials work, calls go one at a time; then they fan out. After the key is refused, every
 * later call fails at once ({@link HuaweiCallsStoppedError}); after {@link stopProject}, every
 * later call for that project ({@link PermissionRefusedError}). With a fleet `breaker` session
 * the first call asks the fleet too: it waits while another container probes, fails at once
 * while the breaker is open, and reports Huawei's answer; only a refused key opens it. Make one
 * gate per invocation.
 */
export class CredentialGate {
  #proven = false;
  #stopped: Error | undefined;
  #probe: Promise<unknown> | undefined;
  readonly #stoppedProjects = new Map<string, PermissionRefusedError>();
  readonly #onRefused: () => void;
  readonly #breaker: BreakerSession | undefined;

  /** `onRefused` runs once when the credentials are refused, to drop cached credentials. */
  public constructor(onRefused: () => void, breaker?: BreakerSession) {
    this.#onRefused = onRefused;
    this.#breaker = breaker;
  }

  /** Whether Huawei calls were stopped in this invocation. */
  public get stopped(): boolean {
    return this.#stopped !== undefined;
  }

  /**
   * No more calls for the refusal's project in this invocation. The caller decides when a 403
   * is a real permission refusal (for a create, only once Huawei's state confirms it).
   */
  public stopProject(refusal: PermissionRefusedError): void {
    if (!this.#stoppedProjects.has(refusal.projectId))
      this.#stoppedProjects.set(refusal.projectId, refusal);
  }

  /** Runs one Huawei call under the gate; `target` names its project. */
  public async run<T>(call: () => Promise<T>, target?: VpnTarget): Promise<T> {
    for (;;) {
      if (this.#stopped) {
        if (this.#stopped instanceof HuaweiCallsStoppedError) throw this.#stopped;
        throw new HuaweiCallsStoppedError(
          'Huawei calls stopped for this invocation: the credentials were refused; fix or rotate them, the record will be redelivered',
          { cause: this.#stopped },
        );
      }
      const refused = target && this.#stoppedProjects.get(target.projectId);
      if (refused && target && refused.cause instanceof HuaweiApiError) {
        throw new PermissionRefusedError(target, refused.action, refused.cause);
      }
      if (this.#proven) return this.#observe(call, false);
      if (this.#probe === undefined) {
        const probe = this.#first(call);
        this.#probe = probe;
        try {
          return await probe;
        } finally {
          this.#probe = undefined;
        }
      }
      await this.#probe.catch(() => undefined);
    }
  }

  async #first<T>(call: () => Promise<T>): Promise<T> {
    if (this.#breaker) {
      let admission: 'trusted' | 'probe';
      try {
        admission = await this.#breaker.admit();
      } catch (error) {
        if (error instanceof HuaweiCallsStoppedError) this.#stopped = error;
        throw error;
      }
      // Trusted by the fleet, this call still goes first and alone in this invocation: a key
      // revoked since it was proven then costs one refused call here, not one per record.
      if (admission === 'trusted') return this.#observe(call, false);
    }
    return this.#observe(call, true);
  }

  async #observe<T>(call: () => Promise<T>, probing: boolean): Promise<T> {
    const startedAt = Date.now();
    try {
      const result = await call();
      await this.#prove(probing, startedAt);
      return result;
    } catch (error) {
      if (error instanceof HuaweiApiError) {
        if (isKeyRefusal(error)) {
          if (!this.#stopped) {
            this.#stopped = error;
            this.#onRefused();
            await this.#breaker?.refused(error);
          }
        } else if (error.status < 500 && error.status !== 429) {
          // Huawei authenticated the request before it answered this error.
          await this.#prove(probing, startedAt);
        }
      }
      throw error;
    }
  }

  async #prove(probing: boolean, startedAt: number): Promise<void> {
    const first = !this.#proven;
    this.#proven = true;
    if (probing && first) await this.#breaker?.proved(startedAt);
  }
}

/**
 * The container's credential guard: the fleet's breaker (when the function has a table for it)
 * behind one {@link CredentialGate} per account and invocation. A refused key or agency stops
 * that account's calls only; its breaker item is its credentials' identity, so one account's
 * refusal never stops another's. Build one per container.
 */
export class CredentialGuard {
  readonly #breaker: CredentialBreaker | undefined;

  /** Without a `breaker`, each invocation guards only itself. */
  public constructor(breaker?: CredentialBreaker) {
    this.#breaker = breaker;
  }

  /**
   * The gates of one invocation, made on first use: the breaker's sessions wait for another
   * container's probe no later than `budget.deadline`. After a refusal the account's cached
   * credentials are dropped and `onRefused` is told (logs, metrics).
   */
  public invocation(
    budget: { deadline: number; signal?: AbortSignal | undefined },
    onRefused?: (account: AccountAccess) => void,
  ): (account: AccountAccess) => CredentialGate {
    const gates = new Map<string, CredentialGate>();
    return (account) => {
      let gate = gates.get(account.spec.name);
      if (gate === undefined) {
        gate = new CredentialGate(
          () => {
            account.credentials.refresh();
            onRefused?.(account);
          },
          this.#breaker?.session(
            budget,
            account.credentials,
            account.spec.source.kind !== 'environment',
          ),
        );
        gates.set(account.spec.name, gate);
      }
      return gate;
    };
  }
}

/**
 * The container's credential guard behind the fleet's breaker on the idempotency table, with
 * the production rules: a probe lease outlasts one Huawei attempt by two seconds, the cool-down
 * comes from the configuration, environment keys are the ones that cannot change. Items expire
 * `ttlSeconds` after their last change: by default (createMonitor keeps no record expiry of its
 * own) 15 days.
 */
export const createFleetGuard = (options: {
  config: { huaweiAttemptTimeoutMs: number; breakerCooldownMs: number };
  client: DynamoDBClient;
  tableName: string;
  ttlSeconds?: number;
  onStoreError?: (error: unknown) => void;
}): CredentialGuard =>
  new CredentialGuard(
    new CredentialBreaker({
      store: createDynamoBreakerStore({
        ...options,
        ttlSeconds: options.ttlSeconds ?? 15 * 24 * 3600,
      }),
      settings: {
        cooldownMs: options.config.breakerCooldownMs,
        maxRefusalsInARow: 3,
        leaseMs: options.config.huaweiAttemptTimeoutMs + 2_000,
        pollMs: 250,
      },
      onStoreError: options.onStoreError,
    }),
  );
