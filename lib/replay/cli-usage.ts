/** Usage of the `replay` command, as `--help` prints it. */
export const REPLAY_USAGE = `Usage: vpn-monitor-provisioner replay [options]

Moves messages from the dead-letter queue back to the source queue, once their cause is fixed.
createMonitor is idempotent per connection, so a replayed connection that is already done
creates no second monitor and publishes no second event.

Queues
  --dlq URL          the dead-letter queue (default: $DLQ_URL)
  --to URL           where messages go (default: $SOURCE_QUEUE_URL, else the queue whose
                     redrive policy names the DLQ)
Which messages (any of these means copy mode)
  --reason CODE      failure code (APIGW.0301, VPN.0004) or kind (invalid-input, rejected,
                     retries-exhausted, sqs-redrive for messages SQS moved itself); repeatable
  --connection ID    VPN connection id; repeatable
  --since TIME       failed at or after TIME, ISO 8601 (2025-11-25 or 2025-11-25T08:00:00Z)
  --until TIME       failed before TIME
  --max N            move at most N messages
How
  --dry-run          list what would move, with reasons and connection ids; move nothing
  --rate N           messages per second (with move-task: a whole number from 1 to 500)
  --mode MODE        auto (default): move-task when nothing narrows the replay and SQS
                     offers it, else copy
                     move-task: SQS's own redrive (StartMessageMoveTask), followed to the end
                     copy: receive, filter, send with replay metadata, delete once sent
AWS
  --region REGION    default: the AWS SDK's (AWS_REGION, the profile)
  --endpoint URL     SQS endpoint, for an emulator (default: AWS_ENDPOINT_URL_SQS); on a
                     loopback address, dummy credentials are used
Output
  --json             print the report as JSON instead of text
  -h, --help         show this help

Progress goes to stderr (a bar on a terminal, plain lines otherwise), the report to stdout.
Exit status: 0 done; 1 some messages failed, or the replay stopped on an error; 2 bad options.

Examples
  vpn-monitor-provisioner replay --dry-run
  vpn-monitor-provisioner replay --reason APIGW.0301 --rate 5
  vpn-monitor-provisioner replay --max 100
`;
