import { HuaweiApiError, HuaweiCallsStoppedError, PermissionRefusedError } from '../errors.ts';
import { isKeyRefusal } from '../retry/policy.ts';

/** The project a call is about, for the gate's per-project stops. */
interface GateTarget {
  projectId: string;
  region: string;
}

/**
 * Keeps concurrent records from locking the Huawei key, and a project without permissions
 * from being asked again. Records run concurrently, but until a call has shown that the
 * credentials work, calls go through one at a time; once one has, they fan out. After the key
 * is refused, every later call in the invocation fails at once with
 * {@link HuaweiCallsStoppedError} (Huawei locks a key after five failures). After a project is
 * stopped ({@link stopProject}: a permission refusal confirmed), every later call for that
 * project fails at once with {@link PermissionRefusedError}; other projects carry on.
 * Make one gate per invocation.
 */
export class CredentialGate {
  #proven = false;
  #stopped: HuaweiApiError | undefined;
  #probe: Promise<unknown> | undefined;
  readonly #stoppedProjects = new Map<string, PermissionRefusedError>();
  readonly #onRefused: () => void;

  /** `onRefused` runs once when the credentials are refused, to drop cached credentials. */
  public constructor(onRefused: () => void) {
    this.#onRefused = onRefused;
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
  public async run<T>(call: () => Promise<T>, target?: GateTarget): Promise<T> {
    for (;;) {
      if (this.#stopped) {
        throw new HuaweiCallsStoppedError(
          'Huawei calls stopped for this invocation: the credentials were refused; fix or rotate them, the record will be redelivered',
          { cause: this.#stopped },
        );
      }
      const refused = target && this.#stoppedProjects.get(target.projectId);
      if (refused && target && refused.cause instanceof HuaweiApiError) {
        throw new PermissionRefusedError(target, refused.action, refused.cause);
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
        if (isKeyRefusal(error)) {
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
