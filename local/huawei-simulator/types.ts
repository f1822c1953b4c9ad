import type { HuaweiCredentials } from '../../lib/huawei/signer.ts';
import type { ConnectionHealth } from './cloud-eye-state.ts';
import type { ConnectionCreatedListener } from './connection-events.ts';
import type { CloudEyeErrorFormat, ErrorFormat } from './errors.ts';
import type { PendingFault } from './faults.ts';
import type { SimulatorIdentityOptions } from './identity/identity-options.ts';
import type { IdentityState } from './identity/identity-state.ts';
import type { LockoutPolicy } from './lockout.ts';
import type { RateLimit } from './rate-limit.ts';
import type { LoggedRequest } from './request-log.ts';
import type {
  AnswerProfile,
  AnswerProfileChange,
  ConnectionSeed,
  FaultRule,
  RandomFaults,
  VpnConnectionStatus,
} from './schemas.ts';
import type { SimulatorStats } from './stats.ts';
import type { ConnectionMonitor, VpnConnection } from './store.ts';

/** How to start a simulator. Only `credentials` is required. */
export interface HuaweiSimulatorOptions {
  /** The AK/SK pairs the gateway accepts; a `securityToken` makes one temporary. */
  credentials: readonly HuaweiCredentials[];
  /**
   * Project id (32 lowercase hex) → its VPN connections: ids, seeds, or a count of connections
   * to generate (ids from `generatedConnectionId(projectId, index)`). Status defaults to ACTIVE.
   */
  projects?: Readonly<Record<string, readonly (string | ConnectionSeed)[] | number>>;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** The simulator's clock in epoch milliseconds (skew checks, lockout); default `Date.now`. */
  now?: () => number;
  /** How `delay` faults wait; tests pass a controllable one. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Shape of VPN service errors (not Cloud Eye's: `cloudEyeErrorFormat`); gateway (`APIGW.*`)
   * errors keep Huawei's gateway format.
   */
  errorFormat?: ErrorFormat;
  /**
   * Latency added to every API request before it is handled, in milliseconds (default 0).
   * With instant answers requests barely overlap; a latency makes the client's concurrency
   * visible in `maxConcurrentRequests`.
   */
  latencyMs?: number;
  /** Huawei's gateway throttling: a token bucket per project answering 429 `APIGW.0308`. */
  rateLimit?: RateLimit;
  /** Cloud Eye's own limit (its documented rate is unknown): a token bucket per project. */
  cloudEyeRateLimit?: RateLimit;
  /**
   * Shape of Cloud Eye's own errors (`CLOUD_EYE_ERROR_FORMATS`; default `v2`), since which one
   * Huawei answers is not documented; gateway (`APIGW.*`) errors keep the gateway's format.
   */
  cloudEyeErrorFormat?: CloudEyeErrorFormat;
  /** Lockout policy; default 5 consecutive failures lock the AK for 5 minutes. */
  lockout?: Partial<LockoutPolicy>;
  /**
   * How to answer where Huawei's documentation is silent (see `ANSWER_PROFILES`); fields not
   * given keep the `documented` profile's.
   */
  answerProfile?: AnswerProfileChange;
  /**
   * Milliseconds a connection created through the API stays `PENDING_CREATE` before it turns
   * `ACTIVE`, on the simulator's clock (default 0: ready at the next look).
   */
  readyAfterMs?: number;
  /** Project id → the account (domain) id it belongs to, carried by connection events. */
  domainIds?: Readonly<Record<string, string>>;
  /**
   * Huawei accounts for STS and IAM (`identity/`): their keys and the temporary credentials
   * issued for them reach only their own projects. Keys in `credentials` reach every project.
   */
  identity?: SimulatorIdentityOptions;
}

/** A monitor with the project it belongs to, as tests and the control surface see it. */
export type MonitorSnapshot = ConnectionMonitor & { project_id: string };

/** What tests, benchmarks and the control surface can do to a running simulator. */
export interface HuaweiSimulatorControl {
  /** Registers an empty project (API calls to unknown projects are refused). */
  addProject(projectId: string): void;
  /** Adds a VPN connection (and its project if new); status defaults to ACTIVE. */
  addConnection(
    projectId: string,
    connection: string | ConnectionSeed,
    status?: VpnConnectionStatus,
  ): VpnConnection;
  setConnectionStatus(projectId: string, id: string, status: VpnConnectionStatus): VpnConnection;
  /**
   * Removes a connection and its monitor; `false` when it did not exist. `keepMonitor` leaves
   * the monitor behind, an orphan for reconciliation to find.
   */
  removeConnection(projectId: string, id: string, options?: { keepMonitor?: boolean }): boolean;
  /** The connections of a project, in insertion order. */
  connections(projectId: string): VpnConnection[];
  /** The monitors that exist now, of one project or all. */
  monitors(projectId?: string): MonitorSnapshot[];
  /** Queues a fault rule (validated; throws on a bad rule). */
  injectFault(rule: FaultRule): void;
  pendingFaults(): PendingFault[];
  /** Empties the fault queue and turns random faults off. */
  clearFaults(): void;
  /** Random faults for soaks; `undefined` turns them off. */
  setRandomFaults(settings: RandomFaults | undefined): void;
  /** Changes the latency added to every API request (see `latencyMs`). */
  setLatency(ms: number): void;
  /** Sets or (with `undefined`) lifts the per-project rate limit (see `rateLimit`). */
  setRateLimit(limit: RateLimit | undefined): void;
  /**
   * Changes how undocumented cases are answered, field by field; returns the whole profile now
   * in force. `reset` goes back to the profile of the options.
   */
  setAnswerProfile(change: AnswerProfileChange): AnswerProfile;
  /** Changes `readyAfterMs` for connections created through the API from now on. */
  setReadyAfter(ms: number): void;
  /**
   * What a connection's monitor reports to Cloud Eye from now on (loss, latency, status, or no
   * data); `undefined` puts it back to healthy.
   */
  setConnectionHealth(
    projectId: string,
    connectionId: string,
    health: ConnectionHealth | undefined,
  ): void;
  /** Sets or (with `undefined`) lifts Cloud Eye's per-project rate limit. */
  setCloudEyeRateLimit(limit: RateLimit | undefined): void;
  /** Changes the shape of Cloud Eye's own errors (see `cloudEyeErrorFormat`); `reset` restores it. */
  setCloudEyeErrorFormat(format: CloudEyeErrorFormat): void;
  /** Cloud Eye batch queries answered, metrics asked for, and queries throttled. */
  cloudEyeStats(): { calls: number; metrics: number; throttled: number };
  /** Replaces the accepted credentials, e.g. to simulate rotated or expired keys. */
  setCredentials(credentials: readonly HuaweiCredentials[]): void;
  stats(): SimulatorStats;
  resetStats(): void;
  /**
   * Back to the state at start: seeded projects only, no monitors, no faults, no lockouts, the
   * original credentials, answer profile and Cloud Eye error format, zeroed statistics.
   */
  reset(): void;
}

/** A running simulator. */
export interface HuaweiSimulator extends HuaweiSimulatorControl {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  port: number;
  /**
   * Calls `listener` for every connection created, through the API (one create, a batch) or
   * the control surface; returns a function that removes it.
   */
  onConnectionCreated(listener: ConnectionCreatedListener): () => void;
  /** The identity side: issued credentials, counts, agencies to revoke (in-process only). */
  identity: Pick<
    IdentityState,
    'issuedCredentials' | 'stats' | 'setAgencyRevoked' | 'domainOfProject' | 'expireIssued'
  >;
  /** Starts (emptied) or stops keeping every API request served, for timing breakdowns. */
  traceRequests(on: boolean): void;
  /** The requests kept since `traceRequests(true)`, oldest first. */
  requests(): readonly LoggedRequest[];
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}
