/**
 * The face of `lib/accounts/`: what other folders may use. Everything else in the folder is
 * its own business.
 */

export {
  /**
   * Keeps concurrent records from locking the Huawei key, and a project without permissions from
   * being asked again.
   */
  CredentialGate,
  /** The container's credential guard. */
  CredentialGuard,
  /**
   * The container's credential guard behind the fleet's breaker on the idempotency table, with the
   * production rules.
   */
  createFleetGuard,
} from './credential-guard.ts';
export {
  /** Where the accounts document is. */
  type AccountsDocumentSource,
  /** Parses the document's text (JSON) and validates it. */
  parseDocumentText,
  /** Whether Huawei STS has a known endpoint for a region: listed by the SDKs, or overridden. */
  stsRegionCheck,
} from './document.ts';
export {
  /** One account, ready to use. */
  type AccountAccess,
  /** The registry {@link createAccountRegistry} builds. */
  type AccountRegistry,
  /** Builds the accounts registry and the VPN client once per container. */
  createHuaweiAccess,
  /** A message names a project that no account in the accounts document owns. */
  UnknownProjectError,
} from './registry.ts';
