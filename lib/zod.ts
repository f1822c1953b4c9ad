import { config, type output, type ZodMiniType } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/*
 * The one schema library import of `lib/` (`import * as z from '../zod.ts'`): zod's "mini" API,
 * whose functions a bundler drops when they are not used (the classic API puts every method on
 * every schema, so a bundle carries all of zod). Mini ships without messages; zod's English
 * ones are installed here, once, because configuration errors and dead-letter reasons quote them.
 */
config(en());

export * from 'zod/mini';

/**
 * zod's issues as one line for an error message: `path message` for each, joined with `; `. An
 * issue about the whole input (an empty path) is named `whole` when given, else by its message.
 */
export const formatIssues = (
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  whole?: string,
): string =>
  issues
    .map((issue) =>
      [issue.path.map(String).join('.') || whole, issue.message]
        .filter((part) => part !== undefined && part !== '')
        .join(' '),
    )
    .join('; ');

/**
 * A JSON text (a secret's value) read with `schema`: the value, or `undefined` when the text is
 * missing, is not JSON or does not fit. It says nothing of why, so the caller's error cannot
 * echo the text: a secret's content must never reach a log.
 */
export const parseJsonWith = <S extends ZodMiniType>(
  text: string | undefined,
  schema: S,
): output<S> | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
};
