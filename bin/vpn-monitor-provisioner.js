#!/usr/bin/env node
// The command-line entry (`npx vpn-monitor-provisioner replay|reconcile ...`, `npm run replay
// -- ...`, `npm run reconcile -- ...`).
// The project runs TypeScript as it is, through tsx, with no build step; this shim is plain
// JavaScript so that npm can link it as a bin, and it loads tsx's hooks in this same process
// before importing the TypeScript command. Everything else lives in commands/run.ts (which
// dispatches to commands/replay.ts, commands/reconcile.ts and commands/health.ts).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../commands/run.ts');

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nStopping after the messages in flight (Ctrl-C again to quit now)\n');
  controller.abort();
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
