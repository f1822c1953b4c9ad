/**
 * Starts the Huawei VPN API simulator in its own process and prints one JSON line on stdout:
 * `{"endpoint","port","pid","projects":{"<project id>":<connections>}}`. Stops cleanly on
 * SIGTERM/SIGINT.
 *
 *   node local/huawei-simulator/main.ts --connections 1000
 *
 * Flags (environment fallback): --port (HUAWEI_SIMULATOR_PORT, default 0 = any free port),
 * --ak/--sk/--security-token (HUAWEICLOUD_SDK_AK/_SK/_SECURITY_TOKEN, required), --project,
 * repeatable (HUAWEICLOUD_SDK_PROJECT_ID or HUAWEICLOUD_PROJECT_ID; default a random id),
 * --connections per project (HUAWEI_SIMULATOR_CONNECTIONS, default 0; ids from
 * `generatedConnectionId`), --latency-ms added to every request (HUAWEI_SIMULATOR_LATENCY_MS,
 * default 0), --error-format error-code|code-message, --cloud-eye-error-format v2|v1|v1-older
 * (HUAWEI_SIMULATOR_CLOUD_EYE_ERROR_FORMAT, default v2), --random-faults '<json>', --answer-profile
 * one of `ANSWER_PROFILES` (HUAWEI_SIMULATOR_ANSWER_PROFILE, default `documented`),
 * --ready-after-ms for connections created through the API (HUAWEI_SIMULATOR_READY_AFTER_MS,
 * default 0), --rate-limit requests a second per project, Huawei's 429 `APIGW.0308` above it
 * (HUAWEI_SIMULATOR_RATE_LIMIT, default none), --random-429 (random faults may be 429s too: a
 * stress option; by default they are transient 5xx, resets and slow answers only).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ANSWER_PROFILES } from './answer-profiles.ts';
import { CLOUD_EYE_ERROR_FORMATS } from './errors.ts';
import {
  cloudEyeErrorFormatSchema,
  randomFaultsSchema,
  readyAfterMsSchema,
  TRANSIENT_FAULT_KINDS,
} from './schemas.ts';
import { startHuaweiSimulator } from './server.ts';

const USAGE = `Usage: node local/huawei-simulator/main.ts --ak AK --sk SK [options]

Starts the Huawei VPN API simulator and prints one JSON line: {"endpoint","port","pid","projects"}.

  --ak, --sk, --security-token   the credentials it accepts (HUAWEICLOUD_SDK_AK/_SK/_SECURITY_TOKEN)
  --port N                       default 0: any free port (HUAWEI_SIMULATOR_PORT)
  --project ID                   repeatable, 32 hex (default: HUAWEICLOUD_PROJECT_ID, else random)
  --connections N                connections per project (HUAWEI_SIMULATOR_CONNECTIONS, default 0)
  --latency-ms N                 added to every request (HUAWEI_SIMULATOR_LATENCY_MS, default 0)
  --error-format F               error-code (default) or code-message
  --cloud-eye-error-format F     ${CLOUD_EYE_ERROR_FORMATS.join(', ')} (HUAWEI_SIMULATOR_CLOUD_EYE_ERROR_FORMAT,
                                 default v2): the shape of Cloud Eye's own errors
  --random-faults JSON           faults on a share of requests, as PUT /__simulator/random-faults takes;
                                 without "kinds": transient 5xx, resets and slow answers
  --random-429                   random faults may be 429s too (a stress option: Huawei throttles
                                 over its rate limit, not by chance)
  --rate-limit N                 requests a second per project, 429 APIGW.0308 above it
                                 (HUAWEI_SIMULATOR_RATE_LIMIT, default none)
  --answer-profile NAME          ${Object.keys(ANSWER_PROFILES).join(', ')} (HUAWEI_SIMULATOR_ANSWER_PROFILE,
                                 default documented): how cases Huawei does not document are answered
  --ready-after-ms N             API-created connections stay PENDING_CREATE this long (default 0)
  --help                         this text
`;

const readArgs = () => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        ak: { type: 'string' },
        sk: { type: 'string' },
        'security-token': { type: 'string' },
        project: { type: 'string', multiple: true },
        connections: { type: 'string' },
        'error-format': { type: 'string' },
        'cloud-eye-error-format': { type: 'string' },
        'random-faults': { type: 'string' },
        'latency-ms': { type: 'string' },
        'answer-profile': { type: 'string' },
        'ready-after-ms': { type: 'string' },
        'rate-limit': { type: 'string' },
        'random-429': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (error: unknown) {
    process.stderr.write(
      `huawei-simulator: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`,
    );
    process.exit(2);
  }
};
const values = readArgs();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const env = process.env;
const settingsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535),
  ak: z.string().min(1, 'an access key is required: --ak or HUAWEICLOUD_SDK_AK'),
  sk: z.string().min(1, 'a secret key is required: --sk or HUAWEICLOUD_SDK_SK'),
  securityToken: z.string().min(1).optional(),
  projects: z.array(z.string().regex(/^[0-9a-f]{32}$/, 'a project id is 32 lowercase hex')),
  connections: z.coerce.number().int().min(0).max(1_000_000),
  errorFormat: z.enum(['error-code', 'code-message']),
  cloudEyeErrorFormat: cloudEyeErrorFormatSchema,
  randomFaults: z
    .string()
    .transform((text, context) => {
      try {
        const json = JSON.parse(text) as unknown;
        if (typeof json !== 'object' || json === null || 'kinds' in json) return json;
        const kinds = [
          ...TRANSIENT_FAULT_KINDS,
          ...(values['random-429'] ? (['throttle'] as const) : []),
        ];
        return { ...json, kinds };
      } catch {
        context.addIssue({ code: 'custom', message: '--random-faults is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(randomFaultsSchema)
    .optional(),
  latencyMs: z.coerce.number().int().min(0),
  answerProfile: z.string().refine((name) => Object.hasOwn(ANSWER_PROFILES, name), {
    message: `--answer-profile is one of ${Object.keys(ANSWER_PROFILES).join(', ')}`,
  }),
  readyAfterMs: z.coerce.number().pipe(readyAfterMsSchema),
  rateLimit: z.coerce.number().positive().optional(),
});

const parsed = settingsSchema.safeParse({
  port: values.port ?? env.HUAWEI_SIMULATOR_PORT ?? 0,
  ak: values.ak ?? env.HUAWEICLOUD_SDK_AK ?? '',
  sk: values.sk ?? env.HUAWEICLOUD_SDK_SK ?? '',
  securityToken: values['security-token'] ?? env.HUAWEICLOUD_SDK_SECURITY_TOKEN,
  projects: values.project ?? [
    env.HUAWEICLOUD_SDK_PROJECT_ID ?? env.HUAWEICLOUD_PROJECT_ID ?? randomBytes(16).toString('hex'),
  ],
  connections: values.connections ?? env.HUAWEI_SIMULATOR_CONNECTIONS ?? 0,
  errorFormat: values['error-format'] ?? 'error-code',
  cloudEyeErrorFormat:
    values['cloud-eye-error-format'] ?? env.HUAWEI_SIMULATOR_CLOUD_EYE_ERROR_FORMAT ?? 'v2',
  randomFaults: values['random-faults'],
  latencyMs: values['latency-ms'] ?? env.HUAWEI_SIMULATOR_LATENCY_MS ?? 0,
  answerProfile: values['answer-profile'] ?? env.HUAWEI_SIMULATOR_ANSWER_PROFILE ?? 'documented',
  readyAfterMs: values['ready-after-ms'] ?? env.HUAWEI_SIMULATOR_READY_AFTER_MS ?? 0,
  rateLimit: values['rate-limit'] ?? env.HUAWEI_SIMULATOR_RATE_LIMIT,
});
if (!parsed.success) {
  const issue = parsed.error.issues[0];
  process.stderr.write(`huawei-simulator: ${issue?.path.join('.')}: ${issue?.message}\n`);
  process.exit(2);
}
const settings = parsed.data;

const simulator = await startHuaweiSimulator({
  port: settings.port,
  credentials: [
    {
      ak: settings.ak,
      sk: settings.sk,
      ...(settings.securityToken === undefined ? {} : { securityToken: settings.securityToken }),
    },
  ],
  projects: Object.fromEntries(settings.projects.map((id) => [id, settings.connections])),
  errorFormat: settings.errorFormat,
  cloudEyeErrorFormat: settings.cloudEyeErrorFormat,
  latencyMs: settings.latencyMs,
  readyAfterMs: settings.readyAfterMs,
  ...(settings.rateLimit === undefined
    ? {}
    : { rateLimit: { requestsPerSecond: settings.rateLimit } }),
  ...(ANSWER_PROFILES[settings.answerProfile] === undefined
    ? {}
    : { answerProfile: ANSWER_PROFILES[settings.answerProfile] }),
});
if (settings.randomFaults !== undefined) {
  simulator.setRandomFaults(settings.randomFaults);
}

process.stdout.write(
  `${JSON.stringify({
    endpoint: simulator.endpoint,
    port: simulator.port,
    pid: process.pid,
    projects: Object.fromEntries(settings.projects.map((id) => [id, settings.connections])),
  })}\n`,
);

const shutdown = (): void => {
  simulator.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`huawei-simulator: stop failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
