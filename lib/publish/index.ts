/**
 * The publish folder's face: the "monitor created" event and the invocation's batch publisher.
 * @module
 */
export { type BatchPublisher, createBatchPublisher } from './batch-publisher.ts';
export {
  type MonitorCreatedDetail,
  type PublisherOptions,
  stableEventId,
} from './monitor-created.ts';
