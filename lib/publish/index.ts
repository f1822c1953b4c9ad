/**
 * The publish folder's face: the "monitor created" event and the invocation's batch publisher.
 * @module
 */
export {
  type BatchPublisher,
  createBatchPublisher,
  type MonitorCreatedDetail,
  type PublisherOptions,
  stableEventId,
} from './batch-publisher.ts';
