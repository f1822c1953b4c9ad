/** The Huawei VPN API simulator: dev-only, never bundled into the Lambda. */
export { ANSWER_PROFILES, DEFAULT_ANSWER_PROFILE } from './answer-profiles.ts';
export type { ReceivedRequest } from './auth.ts';
export { MAX_CLOCK_SKEW_MS, parseSdkDate } from './auth.ts';
export type { ConnectionHealth } from './cloud-eye-state.ts';
export type {
  ConnectionCreatedEvent,
  ConnectionCreatedListener,
} from './connection-events.ts';
export { MAX_CONNECTION_PAGE } from './connection-operations.ts';
export { CONTROL_PREFIX } from './control.ts';
export type { RemoteSimulatorControl } from './control-client.ts';
export { connectToSimulator, SimulatorControlError } from './control-client.ts';
export type { ApiError, CloudEyeErrorFormat, ErrorFormat } from './errors.ts';
export { CLOUD_EYE_ERROR_FORMATS, ERROR_CODES, SimulatorUsageError } from './errors.ts';
export type { PendingFault } from './faults.ts';
export { generatedConnectionId } from './ids.ts';
export type { LockoutPolicy } from './lockout.ts';
export { DEFAULT_LOCKOUT } from './lockout.ts';
export type { RateLimit } from './rate-limit.ts';
export type { LoggedRequest } from './request-log.ts';
export type {
  AnswerProfile,
  AnswerProfileChange,
  ConnectionSeed,
  FaultKind,
  FaultRule,
  Operation,
  RandomFaults,
  VpnConnectionInput,
  VpnConnectionStatus,
} from './schemas.ts';
export { RANDOM_FAULT_KINDS, TRANSIENT_FAULT_KINDS } from './schemas.ts';
export { SIMULATOR_HOST, startHuaweiSimulator } from './server.ts';
export type { SimulatorStats } from './stats.ts';
export type { ConnectionMonitor, VpnConnection } from './store.ts';
export type {
  HuaweiSimulator,
  HuaweiSimulatorControl,
  HuaweiSimulatorOptions,
  MonitorSnapshot,
} from './types.ts';
