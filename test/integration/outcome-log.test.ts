import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from './capture-output.ts';
import {
  failedIds,
  PROJECT_ID,
  plainBody,
  REGION,
  sqsRecord,
  startWorld,
  type World,
} from './harness.ts';

/*
 * On-call searches the logs for a connection's story: every monitor outcome (created, found,
 * duplicate) is one INFO line naming the connection, the project, the monitor and the time it
 * took, through the real handler against the stand-ins.
 */

let world: World;
let output: ReturnType<typeof captureOutput> | undefined;

beforeAll(async () => {
  world = await startWorld({ POWERTOOLS_LOG_LEVEL: 'INFO' });
  output = captureOutput();
});

afterAll(async () => {
  output?.restore();
  await world?.stop();
});

/** The structured log lines that mention a connection. */
const linesAbout = (vpnConnectionId: string): Record<string, unknown>[] =>
  (output?.text() ?? '')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(vpnConnectionId))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.vpnConnectionId === vpnConnectionId);

describe('one log line per monitor outcome', () => {
  it('says created, then duplicate on a redelivery, with the connection, project, monitor and time', async () => {
    // Prepare
    const id = world.newConnection();

    // Act
    const first = await world.invoke([sqsRecord(plainBody(id))]);
    const again = await world.invoke([sqsRecord(plainBody(id))]);

    // Assess
    expect(failedIds(first)).toEqual([]);
    expect(failedIds(again)).toEqual([]);
    const [monitor] = world.monitorsFor(id);
    const outcomes = linesAbout(id).filter((entry) => 'outcome' in entry);
    expect(outcomes).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'Connection monitor created',
        outcome: 'created',
        vpnConnectionId: id,
        projectId: PROJECT_ID,
        region: REGION,
        monitorId: monitor?.id,
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({
        level: 'INFO',
        message: 'Connection already handled: duplicate absorbed',
        outcome: 'duplicate',
        monitorId: monitor?.id,
      }),
    ]);
  });

  it('says already existed when Huawei had the monitor', async () => {
    // Prepare: Huawei creates the monitor but the answer is lost; the list finds it
    const id = world.newConnection();
    world.huawei.injectFault({
      kind: 'drop-after',
      operation: 'create',
      connectionId: id,
      times: 1,
    });

    // Act
    const response = await world.invoke([sqsRecord(plainBody(id))]);

    // Assess
    expect(failedIds(response)).toEqual([]);
    const outcomes = linesAbout(id).filter((entry) => 'outcome' in entry);
    expect(outcomes).toEqual([
      expect.objectContaining({
        message: 'Connection monitor already existed',
        outcome: 'already_existed',
        monitorId: world.monitorsFor(id)[0]?.id,
      }),
    ]);
  });
});
