import { HuaweiApiError, HuaweiCallsStoppedError } from '../errors.ts';
import { decide } from '../retry/policy.ts';

/**
 * Keeps concurrent records from locking the Huawei key. Records run concurrently, but until a
 * call has shown that the credentials work, calls go through one at a time; once one has,
 * they fan out. After the credentials are refused, every later call in the invocation fails
 * at once with {@link HuaweiCallsStoppedError} (Huawei locks a key after five failures).
 * Make one gate per invocation.
 */
export class CredentialGate {
  #proven = false;
  #stopped: HuaweiApiError | undefined;
  #probe: Promise<unknown> | undefined;
  readonly #onRefused: () => void;

  /** `onRefused` runs once when the credentials are refused, to drop cached credentials. */
  public constructor(onRefused: () => void) {
    this.#onRefused = onRefused;
  }

  /** Whether Huawei calls were stopped in this invocation. */
  public get stopped(): boolean {
    return this.#stopped !== undefined;
  }

  /** Runs one Huawei call under the gate. */
  public async run<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      if (this.#stopped) {
        throw new HuaweiCallsStoppedError(
          'Huawei calls stopped for this invocation: the credentials were refused; fix or rotate them, the record will be redelivered',
          { cause: this.#stopped },
        );
      }
      if (this.#proven) return this.#observe(call);
      if (this.#probe === undefined) {
        const probe = this.#observe(call);
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

  async #observe<T>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      this.#proven = true;
      return result;
    } catch (error) {
      if (error instanceof HuaweiApiError) {
        if (decide(error).disposition === 'stop-calls') {
          if (!this.#stopped) {
            this.#stopped = error;
            this.#onRefused();
          }
        } else if (error.status < 500 && error.status !== 429) {
          // Huawei authenticated the request before it answered this error.
          this.#proven = true;
        }
      }
      throw error;
    }
  }
}
