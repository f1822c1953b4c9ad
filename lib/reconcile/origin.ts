import { randomBytes } from 'node:crypto';

/** A fresh run id, readable in logs and sortable: `20261126T024000Z-3f9a1c0b`. */
export const newRunId = (now: Date = new Date()): string =>
  `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(4).toString('hex')}`;
