import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../commands/command.ts';
import { runCli } from '../../../commands/run.ts';
import type { HealthSummary } from '../../../lib/health/index.ts';
import { CREDENTIALS, startWorld, type World } from '../harness.ts';
import { monitoredProject } from '../reconcile/helpers.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

/** Captured output of one command run, against the world's simulator. */
const terminal = (env: Record<string, string | undefined> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env: { ...process.env, HUAWEI_RETRY_BASE_MS: '20', ...env },
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
};

const healthEvents = () =>
  world.aws.eventBridge.events().filter((e) => e.detailType === 'VPN Connection Health Changed');

describe('vpn-monitor-provisioner health', () => {
  it('prints each connection state of a dry run, and keeps and publishes nothing', async () => {
    // Prepare
    const { projectId, ids, target } = await monitoredProject(world.huawei, 3);
    world.huawei.setConnectionHealth(projectId, ids[0] as string, { lossPercent: 80 });
    const before = healthEvents().length;
    const t = terminal();

    // Act
    const status = await runCli(
      [
        'health',
        '--dry-run',
        '--target',
        target,
        '--ces-endpoint',
        world.huawei.endpoint,
        '--json',
      ],
      t.io,
    );

    // Assess
    expect(status, t.err()).toBe(0);
    const summary = JSON.parse(t.out()) as HealthSummary;
    expect(summary.dryRun).toBe(true);
    expect(summary.total.byState).toMatchObject({ healthy: 2, down: 1 });
    expect(summary.total.changes).toBe(3);
    expect(summary.total.eventsPublished).toBe(0);
    expect(healthEvents().length).toBe(before);
  });

  it('says what is wrong with its options, with exit status 2', async () => {
    const t = terminal();
    expect(await runCli(['health', '--target', 'nonsense'], t.io)).toBe(2);
    expect(t.err()).toContain('project_id:region');
    const help = terminal();
    expect(await runCli(['health', '--help'], help.io)).toBe(0);
    expect(help.out()).toContain('Usage: vpn-monitor-provisioner health');
  });

  it('stops at a refused key: the project fails with the reason, nothing is published', async () => {
    // Prepare
    const { target } = await monitoredProject(world.huawei, 2);
    const before = healthEvents().length;
    const t = terminal({ HUAWEICLOUD_CES_ENDPOINT: world.huawei.endpoint });
    world.huawei.setCredentials([
      { ak: 'ANOTHERKEY0000000001', sk: 'another-secret-key-0000000001' },
    ]);

    // Act
    let status: number;
    try {
      status = await runCli(['health', '--target', target], t.io);
    } finally {
      world.huawei.setCredentials([CREDENTIALS]);
      await world.clearBreakers();
    }

    // Assess
    expect(status).toBe(1);
    expect(t.out()).toMatch(/not complete: .*401/);
    expect(healthEvents().length).toBe(before);
  });
});
