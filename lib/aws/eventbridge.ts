import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { AWS_CLIENT_OPTIONS } from './client-options.ts';

/** The EventBridge client of a function, once per container; the SDK finds region and endpoint. */
export const createEventBridgeClient = (): EventBridgeClient =>
  new EventBridgeClient(AWS_CLIENT_OPTIONS);
