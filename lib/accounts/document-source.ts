import { ConfigurationError } from '../errors.ts';
import type { CredentialSource } from '../huawei/credentials.ts';
import { type AccountsDocument, parseAccountsDocument } from './document.ts';
import type { StsRegionCheck } from './sts-regions.ts';

/**
 * Where the accounts document is: inline JSON (local runs), a Secrets Manager secret, an SSM
 * parameter, or nowhere: the single key of old (`HUAWEICLOUD_SDK_AK` or
 * `HUAWEICLOUD_CREDENTIALS_SECRET_ID`) as a one-account document.
 */
export type AccountsDocumentSource =
  | { kind: 'inline'; text: string }
  | { kind: 'secret'; secretId: string }
  | { kind: 'parameter'; name: string }
  | { kind: 'single-key'; credentials: CredentialSource };

/** Reads a text value by name (Secrets Manager's GetSecretValue, SSM's GetParameter). */
export type TextReader = (name: string) => Promise<string | undefined>;

/** The name of the one account of a single-key deployment. */
const SINGLE_ACCOUNT_NAME = 'default';

/** Names the document's source in errors and logs; never its content. */
export const describeDocumentSource = (source: AccountsDocumentSource): string => {
  switch (source.kind) {
    case 'inline':
      return 'ACCOUNTS_DOCUMENT';
    case 'secret':
      return `secret ${source.secretId}`;
    case 'parameter':
      return `SSM parameter ${source.name}`;
    default:
      return source.credentials.kind === 'environment'
        ? 'HUAWEICLOUD_SDK_AK'
        : `secret ${source.credentials.secretId}`;
  }
};

/**
 * Loads and validates the accounts document. A single key becomes one account (`default`)
 * that serves every project, as before. Throws a {@link ConfigurationError} that names the
 * source and every problem, never the document's content.
 */
export const loadAccountsDocument = async (
  source: AccountsDocumentSource,
  readers: { readSecret: TextReader; readParameter: TextReader },
  defaultRegion: string | undefined,
  stsKnown?: StsRegionCheck,
): Promise<AccountsDocument> => {
  if (source.kind === 'single-key') {
    const credentials = source.credentials;
    return {
      accounts: [
        {
          name: SINGLE_ACCOUNT_NAME,
          domainId: undefined,
          source:
            credentials.kind === 'environment'
              ? { ...credentials }
              : { kind: 'static', secretId: credentials.secretId },
          projects: 'any',
        },
      ],
    };
  }
  const text =
    source.kind === 'inline'
      ? source.text
      : source.kind === 'secret'
        ? await readers.readSecret(source.secretId)
        : await readers.readParameter(source.name);
  return parseDocumentText(text, describeDocumentSource(source), defaultRegion, stsKnown);
};

/**
 * Parses the document's text (JSON) and validates it; synchronous, so `lib/config.ts` checks
 * an inline `ACCOUNTS_DOCUMENT` at cold start. Throws a {@link ConfigurationError} naming
 * `where` and every problem, never the text.
 */
export const parseDocumentText = (
  text: string | undefined,
  where: string,
  defaultRegion: string | undefined,
  stsKnown?: StsRegionCheck,
): AccountsDocument => {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new ConfigurationError(
      `Invalid accounts document (${where}): it is not JSON; put {"accounts":[...]} there (README: accounts document)`,
    );
  }
  return parseAccountsDocument(json, where, defaultRegion, stsKnown);
};
