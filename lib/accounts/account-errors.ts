import { ProvisionerError } from '../errors.ts';

/** A message names a project that no account in the accounts document owns. */
export class UnknownProjectError extends ProvisionerError {
  public override name = 'UnknownProjectError';
  public readonly projectId: string;

  public constructor(projectId: string, message: string) {
    super(message);
    this.projectId = projectId;
  }
}
