import type { CliIo } from '../../../commands/command.ts';
import { runCli } from '../../../commands/run.ts';
import type { HealthSummary } from '../../../lib/health/index.ts';
import type { World } from '../harness.ts';

/**
 * `vpn-monitor-provisioner health --json` over the targets, against the world's simulator for
 * both the VPN API and Cloud Eye: its exit status, its output and the summary it printed. `env`
 * adds to the process's (the retries are made fast).
 */
export const runHealthCommand = async (
  world: World,
  targets: readonly string[],
  env: Record<string, string> = {},
) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env: { ...process.env, HUAWEI_RETRY_BASE_MS: '20', ...env },
  };
  const status = await runCli(
    [
      'health',
      ...targets.flatMap((target) => ['--target', target]),
      '--ces-endpoint',
      world.huawei.endpoint,
      '--json',
    ],
    io,
  );
  const text = out.join('');
  return {
    status,
    stdout: text,
    stderr: err.join(''),
    summary: (text === '' ? undefined : JSON.parse(text)) as HealthSummary | undefined,
  };
};

/** One project's part of a run's summary. */
export const targetOf = (summary: HealthSummary | undefined, projectId: string) =>
  summary?.targets.find((t) => t.projectId === projectId);
