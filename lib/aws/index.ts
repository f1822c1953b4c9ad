/**
 * The face of `lib/aws/`: what other folders may use. Everything else in the folder is
 * its own business.
 */

export {
  /** Where an operator command sends its AWS calls. */
  type AwsEndpointSettings,
  /** The DynamoDB client of a function, once per container. */
  createDynamoDbClient,
  /** The EventBridge client of a function, once per container. */
  createEventBridgeClient,
  /** A reader of a secret's string value (Secrets Manager's GetSecretValue). */
  createSecretReader,
  /** The host names of this machine, the only ones plain `http://` and emulator endpoints may use. */
  LOOPBACK_HOSTS,
} from './clients.ts';
export {
  /** middy's `timeoutEarlyInMillis` for every handler. */
  ABORT_BEFORE_TIMEOUT_MS,
  /** What an invocation may spend. */
  type InvocationBudget,
  /** The {@link invocationDeadline} with a signal that fires at it, or with `signal`, if sooner. */
  invocationBudget,
  /** Epoch milliseconds after which an invocation starts nothing new. */
  invocationDeadline,
} from './invocation-budget.ts';
export {
  /** An SQS client, its SDK loaded on the first call. */
  createSqsClient,
  /** An SQS client as this project uses one: `send` and `destroy`. */
  type SqsClient,
  /** What a writer asks of SQS: `send`. */
  type SqsSender,
} from './sqs.ts';
export {
  /** One attribute's bytes as SQS counts them against {@link MAX_MESSAGE_BYTES}. */
  attributeBytes,
  /** The bytes of a set of attributes, as SQS counts them. */
  attributesBytes,
  /** The DLQ's `MaximumMessageSize`: SQS's highest, 1 MiB. */
  DEAD_LETTER_QUEUE_MAX_BYTES,
  /** JSON fields that may be shortened to fit an attribute. */
  type FittableJson,
  /** The JSON text of a {@link FittableJson} within a byte budget, in SQS's character set. */
  fitJson,
  /** SQS allows 10 message attributes a message. */
  MAX_MESSAGE_ATTRIBUTES,
  /** The most bytes a message (body and attributes), or a whole `SendMessageBatch`, may carry. */
  MAX_MESSAGE_BYTES,
  /** Groups entries into `SendMessageBatch` calls within SQS's limits. */
  toBatches,
  /** Text with every character SQS refuses replaced by U+FFFD. */
  toSqsText,
} from './sqs-limits.ts';
export {
  /**
   * A reader of an SSM parameter's value, decrypted (a SecureString under the default `aws/ssm`
   * key).
   */
  createParameterReader,
} from './ssm.ts';
export {
  /**
   * AWS STS `GetWebIdentityToken` (IAM outbound identity federation, RS256) with the function's
   * own role.
   */
  createWebIdentityTokenRequester,
} from './sts.ts';
