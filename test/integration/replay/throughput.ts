// Measures copy-mode replay throughput through fauxqs with the real command, in a child process:
//   npx tsx test/integration/replay/throughput.ts [messages, default 5000]
// Not a test (no assertions, not run by `npm test`): a measurement to quote, like bench/.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { ReplayReport } from '../../../lib/replay/report.ts';
import { startSqs } from '../../../local/aws/sqs.ts';
import { plainBody, sqsClient } from './queues.ts';

const count = Number(process.argv[2] ?? 5_000);
const queues = await startSqs();
const sqs = sqsClient(queues.endpoint, queues.region);
try {
  const failure = JSON.stringify({
    kind: 'retries-exhausted',
    code: 'APIGW.0301',
    failed_at: new Date().toISOString(),
  });
  for (let sent = 0; sent < count; sent += 10) {
    const entries = Array.from({ length: Math.min(10, count - sent) }, (_, i) => ({
      Id: `m${i}`,
      MessageBody: plainBody(crypto.randomUUID()),
      MessageAttributes: { vpn_monitor_failure: { DataType: 'String', StringValue: failure } },
    }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queues.dlqUrl, Entries: entries }));
  }
  const bin = new URL('../../../bin/vpn-monitor-provisioner.js', import.meta.url).pathname;
  const args = ['replay', '--json', '--dlq', queues.dlqUrl, '--to', queues.queueUrl];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [bin, ...args, '--endpoint', queues.endpoint, '--region', queues.region],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const report = JSON.parse(stdout) as ReplayReport;
  const seconds = report.elapsedMs / 1000;
  console.log(
    `${report.moved} of ${count} moved in ${seconds.toFixed(2)} s: ${(report.moved / seconds).toFixed(0)} messages/s` +
      ` (copy mode; fauxqs in this process, the command in a child; the time includes the final 1 s long poll)`,
  );
} finally {
  sqs.destroy();
  await queues.stop();
}
