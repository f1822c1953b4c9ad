import { readFileSync } from 'node:fs';
import { assert, expect } from 'vitest';
import { InvalidInputError } from '../../../lib/errors.ts';
import type { ConnectionCreated, ParseResult } from '../../../lib/events/parse.ts';

/** The project and region every fixture in `test/events/` uses. */
export const PROJECT_ID = '0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b';
export const REGION = 'cn-north-4';

/** A valid connection id that appears in no fixture. */
export const CONNECTION_ID = 'cae286f2-demo-a8df-va86-e22416ca1220';

/** The deployment defaults of most tests: the same project and region as the fixtures. */
export const DEFAULTS = { projectId: PROJECT_ID, region: REGION };

/** The text of a fixture in `test/events/`, exactly as an SQS message body would hold it. */
export function readFixture(name: string): string {
  return readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8');
}

/** A fixture parsed, for tests that change one field of a realistic message. */
export function readFixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(readFixture(name)) as Record<string, unknown>;
}

/** Wraps a message in an SNS notification, as SNS delivers it to SQS without raw delivery. */
export function inSns(message: unknown): Record<string, unknown> {
  return {
    Type: 'Notification',
    MessageId: '2f6d1c8e-7a3b-5e4f-9d0c-1b2a3c4d5e6f',
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:vpn-connection-created',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: '2026-11-26T02:00:00.000Z',
    SignatureVersion: '1',
  };
}

/** Asserts the parse gave exactly one event and returns it. */
export function expectEvent(result: ParseResult): ConnectionCreated {
  const [event, ...others] = expectEvents(result);
  if (event === undefined || others.length > 0) {
    assert.fail(`expected one event, got ${others.length + 1}`);
  }
  return event;
}

/** Asserts the parse gave events and returns them. */
export function expectEvents(result: ParseResult): ConnectionCreated[] {
  if (result.kind === 'invalid') assert.fail(`expected events, got: ${result.error.message}`);
  if (result.kind === 'ignored') assert.fail(`expected events, got ignored: ${result.reason}`);
  return result.events;
}

/** Asserts the parse ignored the message and returns why, and the shape it had. */
export function expectIgnored(result: ParseResult): { reason: string; shape: string } {
  if (result.kind !== 'ignored') {
    assert.fail(`expected an ignored message, got ${JSON.stringify(result)}`);
  }
  return { reason: result.reason, shape: result.shape };
}

/** Asserts the parse failed with an {@link InvalidInputError} and returns it. */
export function expectInvalid(result: ParseResult): InvalidInputError {
  if (result.kind !== 'invalid') {
    assert.fail(`expected invalid input, got: ${JSON.stringify(result)}`);
  }
  expect(result.error).toBeInstanceOf(InvalidInputError);
  return result.error;
}
