import { ProvisionerError } from '../errors.ts';

/**
 * The reconcile options are wrong (a bad flag, a payload field of the wrong type, no target, no
 * queue for a real run): fix the command or the invocation payload and run it again. Nothing
 * was listed, queued or deleted.
 */
export class ReconcileOptionsError extends ProvisionerError {
  public override name = 'ReconcileOptionsError';
}

/**
 * Huawei's connection list could not be read to its end (a `next_marker` came back twice, so
 * following it would never stop). The target is left alone: nothing is queued or deleted from
 * a partial list. Run again later; if it repeats, report the request id to Huawei.
 */
export class IncompleteListingError extends ProvisionerError {
  public override name = 'IncompleteListingError';
}
