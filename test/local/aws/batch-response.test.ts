import { describe, expect, it } from 'vitest';
import { readBatchResponse } from '../../../local/aws/batch-response.ts';

const batch = new Set(['m-1', 'm-2']);

describe('readBatchResponse', () => {
  it.each([
    { response: undefined, label: 'no response' },
    { response: null, label: 'null' },
    { response: {}, label: 'an empty object' },
    { response: { batchItemFailures: [] }, label: 'an empty list' },
    { response: { batchItemFailures: null }, label: 'a null list' },
  ])('counts every record as a success for $label', ({ response }) => {
    // Act
    const verdict = readBatchResponse(response, batch);

    // Assess
    expect(verdict).toEqual({ ok: true, failedIds: new Set() });
  });

  it('returns the records listed in batchItemFailures', () => {
    // Act
    const verdict = readBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm-2' }] }, batch);

    // Assess
    expect(verdict).toEqual({ ok: true, failedIds: new Set(['m-2']) });
  });

  it.each([
    { response: 'done', label: 'a string' },
    { response: { batchItemFailures: 'm-1' }, label: 'a list that is not a list' },
    { response: { batchItemFailures: [{ itemIdentifier: '' }] }, label: 'an empty identifier' },
    { response: { batchItemFailures: [{ itemIdentifier: null }] }, label: 'a null identifier' },
    { response: { batchItemFailures: [{ id: 'm-1' }] }, label: 'a wrong key name' },
    { response: { batchItemFailures: [{ itemIdentifier: 'm-9' }] }, label: 'an unknown message' },
  ])('fails the whole batch for $label, as Lambda does', ({ response }) => {
    // Act
    const verdict = readBatchResponse(response, batch);

    // Assess
    expect(verdict.ok).toBe(false);
  });
});
