import { HuaweiApiError, HuaweiCallsStoppedError } from '../errors.ts';
import { decide } from '../retry/policy.ts';
import type { BreakerSession } from './credential-breaker.ts';

/**
 * Keeps concurrent records from locking the Huawei key. Records run concurrently, but until a
 * call has shown that the credentials work, calls go through one at a time; once one has,
 * they fan out. After the credentials are refused, every later call in the invocation fails
 * at once with {@link HuaweiCallsStoppedError} (Huawei locks a key after five failures).
 * With a fleet `breaker` session, the first call also asks the fleet: it waits while another
 * container probes, fails at once while the breaker is open, and tells the fleet what Huawei
 * answered. Make one gate per invocation.
 */
export class CredentialGate {
  #proven = false;
  #stopped: Error | undefined;
  #probe: Promise<unknown> | undefined;
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

  /** Runs one Huawei call under the gate. */
  public async run<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      if (this.#stopped) {
        if (this.#stopped instanceof HuaweiCallsStoppedError) throw this.#stopped;
        throw new HuaweiCallsStoppedError(
          'Huawei calls stopped for this invocation: the credentials were refused; fix or rotate them, the record will be redelivered',
          { cause: this.#stopped },
        );
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
        if (decide(error).disposition === 'stop-calls') {
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
