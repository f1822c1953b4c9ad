import type { CredentialGate } from '../accounts/index.ts';
import type { ConnectionMonitor, HuaweiVpnClient } from '../huawei/index.ts';
import type { RetryOptions } from '../retry/with-retry.ts';

/** The connection's one monitor, and whether this call created it. */
export interface EnsuredMonitor {
  monitor: ConnectionMonitor;
  requestId: string | undefined;
  outcome: 'created' | 'already_existed';
}

/** What `ensureMonitor` needs for one invocation. */
export interface EnsureMonitorDeps {
  client: Pick<HuaweiVpnClient, 'createMonitor' | 'listMonitors' | 'showConnection'>;
  gate: CredentialGate;
  retry: RetryOptions;
}

/** What `ensureMonitor` knows about the event, to read a "not found" answer. */
export interface EnsureMonitorOptions {
  /** When the connection's event happened (epoch ms); unknown means long ago. */
  eventTime?: number | undefined;
  /** A connection not found this soon after its event is taken as not visible yet. */
  notFoundGraceMs: number;
  now?: (() => number) | undefined;
}
