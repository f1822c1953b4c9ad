import { describe, expect, it } from 'vitest';
import { formatMessageLine, formatReport, lineProgress } from '../../../lib/replay/display.ts';
import type { ReplayedMessage, ReplayReport } from '../../../lib/replay/report.ts';

const message = (overrides: Partial<ReplayedMessage> = {}): ReplayedMessage => ({
  messageId: 'a1b2c3d4-0000-4000-8000-000000000001',
  vpnConnectionId: undefined,
  reason: 'invalid-input',
  description: 'message body: is not JSON',
  failedAt: '2026-12-07T14:00:00.000Z',
  replayCount: 0,
  outcome: 'would-move',
  ...overrides,
});

const report = (messages: ReplayedMessage[]): ReplayReport => ({
  mode: 'copy',
  dryRun: true,
  dlq: 'http://127.0.0.1:1/000000000000/dlq',
  to: 'http://127.0.0.1:1/000000000000/queue',
  stopped: 'drained',
  moved: 0,
  wouldMove: messages.length,
  skippedByFilter: 0,
  sentNotDeleted: 0,
  failed: 0,
  left: 0,
  metadataDropped: 0,
  reasons: {},
  skippedReasons: {},
  messages,
  messagesTruncated: false,
  warnings: [],
  elapsedMs: 1_000,
});

describe('a dry run of messages that cannot be read', () => {
  it('does not promise a move that will not last', () => {
    expect(formatMessageLine(message())).toMatch(
      /^would-move \(will fail again: invalid input\) {2}a1b2/,
    );
    expect(formatMessageLine(message({ reason: 'VPN.0001' }))).toMatch(/^would-move {8}a1b2/);
  });

  it('says in the report what to do about them', () => {
    const text = formatReport(report([message(), message({ reason: 'VPN.0001' })]));
    expect(text).toContain(
      'invalid-input: 1 message cannot be read and fails again when replayed, back to the DLQ; fix their producer, and replay the others with --reason',
    );
    expect(formatReport(report([message({ reason: 'VPN.0001' })]))).not.toContain('invalid-input');
  });
});

describe('progress lines', () => {
  it('never says more are done than there are ("6 of about 5")', () => {
    const lines: string[] = [];
    const display = lineProgress((line) => lines.push(line), 0);
    display.update({
      mode: 'copy',
      dryRun: true,
      done: 6,
      total: 5,
      moved: 0,
      wouldMove: 6,
      skippedByFilter: 0,
      failed: 0,
      elapsedMs: 1_000,
    });
    expect(lines).toEqual(['replay (copy): 6 of about 6 done; would move 6, skipped 0, failed 0']);
  });
});
