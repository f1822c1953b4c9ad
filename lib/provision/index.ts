/**
 * The provision folder's face: createMonitor's work, from a batch of queue messages to one
 * outcome (and one settlement action) per message.
 * @module
 */
export { createDependencies } from './dependencies.ts';
export { createProvisioner } from './process-messages.ts';
export type { QueueMessage } from './types.ts';
