import { SECRET_RUN_LENGTH } from '../../../lib/huawei/responses.ts';

/** Every character as a `\uXXXX` escape: whole again only once JSON is decoded. */
export const escaped = (text: string): string =>
  [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/** Every 16-character run of `secret`, the shortest echo the redaction promises to remove. */
export const runs = (secret: string): string[] =>
  Array.from({ length: secret.length - SECRET_RUN_LENGTH + 1 }, (_, i) =>
    secret.slice(i, i + SECRET_RUN_LENGTH),
  );
