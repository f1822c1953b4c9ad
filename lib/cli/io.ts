import type { AwsEndpointSettings, SqsClient } from '../aws/index.ts';

/** Where progress is written: stderr, as Node gives it. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** What a command needs from its process; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  /** Environment the command's configuration is read from; default the process's. */
  env?: Record<string, string | undefined> | undefined;
  /** Stops the command cleanly (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Builds the SQS client; default `lib/aws/sqs.ts`'s, with `--region` and `--endpoint`. */
  createSqs?: ((settings: AwsEndpointSettings) => SqsClient) | undefined;
}
