/**
 * Captures what the process writes to stdout and stderr (the function's log lines), instead of
 * echoing it: a test reads what the function wrote, CI's log need not show it. `restore` puts
 * the streams back.
 */
export const captureOutput = (): { text: () => string; restore: () => void } => {
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  let captured = '';
  const capture = (chunk: string | Uint8Array): boolean => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  return {
    text: () => captured,
    restore: () => {
      process.stdout.write = writes.stdout;
      process.stderr.write = writes.stderr;
    },
  };
};
