import { describe, expect, it } from 'vitest';
import {
  formatMessageLine,
  formatReport,
  lineProgress,
  terminalProgress,
} from '../../../lib/replay/display.ts';
import type { ReplayedMessage, ReplayProgress, ReplayReport } from '../../../lib/replay/report.ts';

const progress = (overrides: Partial<ReplayProgress> = {}): ReplayProgress => ({
  mode: 'copy',
  dryRun: false,
  done: 45,
  total: 100,
  moved: 40,
  wouldMove: 0,
  skippedByFilter: 5,
  failed: 0,
  elapsedMs: 4_000,
  ...overrides,
});

const steppingClock = () => {
  let now = 0;
  return { now: () => now, sleep: async () => undefined, advance: (ms: number) => (now += ms) };
};

describe('terminalProgress', () => {
  it('redraws one line in place, at most ten times a second, and ends it', () => {
    // Prepare
    const written: string[] = [];
    const clock = steppingClock();
    const display = terminalProgress(
      { write: (t: string) => written.push(t), isTTY: true, columns: 200 },
      clock,
    );

    // Act
    display.update(progress());
    display.update(progress({ done: 46 }));
    clock.advance(100);
    display.update(progress({ done: 47 }));
    display.finish();

    // Assess
    expect(written).toHaveLength(4);
    expect(written[0]).toBe(
      '\r\x1b[2Kcopy [###########-------------]  45/100  moved 40, skipped 5, failed 0, 10.0/s  0:04',
    );
    expect(written.at(-1)).toBe('\n');
  });
});

describe('lineProgress', () => {
  it('writes a plain line at most once per interval', () => {
    // Prepare
    const lines: string[] = [];
    const clock = steppingClock();
    const display = lineProgress((line) => lines.push(line), 5_000, clock);

    // Act
    display.update(progress());
    clock.advance(1_000);
    display.update(progress());
    clock.advance(4_000);
    display.update(progress({ dryRun: true, wouldMove: 45 }));

    // Assess
    expect(lines).toEqual([
      'replay (copy): 45 of about 100 done; moved 40, skipped 5, failed 0, 10.0/s',
      'replay (copy): 45 of about 100 done; would move 45, skipped 5, failed 0',
    ]);
  });
});

describe('formatReport', () => {
  const failedMessage: ReplayedMessage = {
    messageId: 'm-3',
    vpnConnectionId: 'c0000000-0000-0000-0000-000000000003',
    reason: 'APIGW.0301',
    description: 'refused',
    failedAt: '2025-11-25T10:00:00.000Z',
    replayCount: 0,
    outcome: 'failed',
    error: 'InvalidParameterValue: too big',
  };

  const report: ReplayReport = {
    mode: 'copy',
    dryRun: false,
    dlq: 'https://sqs.eu-west-1.amazonaws.com/1/q-dlq',
    to: 'https://sqs.eu-west-1.amazonaws.com/1/q',
    stopped: 'drained',
    moved: 2,
    wouldMove: 0,
    skippedByFilter: 1,
    sentNotDeleted: 0,
    failed: 1,
    left: 0,
    metadataDropped: 0,
    reasons: { 'APIGW.0301': 3 },
    skippedReasons: { 'VPN.0004': 1 },
    messages: [failedMessage],
    messagesTruncated: false,
    warnings: ['something to know'],
    elapsedMs: 2_000,
  };

  it('says what moved, what was skipped and why, and what failed and why', () => {
    // Act
    const text = formatReport(report);

    // Assess
    expect(text).toContain(
      'Replay from https://sqs.eu-west-1.amazonaws.com/1/q-dlq to https://sqs.eu-west-1.amazonaws.com/1/q (copy)',
    );
    expect(text).toMatch(/moved\s+2\s+\(APIGW\.0301 3\)/);
    expect(text).toMatch(/skipped by filter\s+1\s+\(VPN\.0004 1\)/);
    expect(text).toMatch(/failed\s+1\n/);
    expect(text).toContain('stopped: drained, after 2.0 s, 1.0 messages/s');
    expect(text).toContain(formatMessageLine(failedMessage));
    expect(text).toContain('InvalidParameterValue: too big');
    expect(text).toContain('Warnings:\n  something to know');
  });
});
