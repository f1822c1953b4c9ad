import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSmn, startSmn } from '../../../local/smn/smn.ts';
import { createTrace, type IngestWorld, REGION, startIngestWorld } from './helpers.ts';

let world: IngestWorld;
let smn: LocalSmn;
beforeAll(async () => {
  smn = await startSmn({ region: REGION });
  // The stand-in answers for Huawei's hosts: the messages carry the real host names, and only
  // where an allowed URL is fetched changes.
  world = await startIngestWorld({ env: { HUAWEICLOUD_SMN_ENDPOINT: smn.endpoint } });
});
afterAll(async () => {
  await world?.stop();
  await smn?.stop();
});

const deliver = (message: Record<string, string>) =>
  smn.deliver(`${world.url}/${world.tokens.current}`, message);

const confirmFetches = () => smn.fetched().filter((p) => p.startsWith('/smn/subscription/'));

describe('SMN subscription confirmation', () => {
  it.each([
    ['the regional console', `${REGION}-console.huaweicloud.com`],
    ['the Chinese-mainland console', 'console.huaweicloud.com'],
    ['the international console', 'console-intl.huaweicloud.com'],
    ['the European console', 'console.eu.huaweicloud.com'],
  ])('fetches a subscribe_url on %s exactly once and answers 200', async (_name, host) => {
    const message = smn.confirmation(host);
    const before = confirmFetches().length;

    const response = await deliver(message);

    expect(response.status).toBe(200);
    const link = new URL(message.subscribe_url ?? '');
    expect(confirmFetches().slice(before)).toEqual([`${link.pathname}${link.search}`]);
    expect(await world.drain()).toEqual([]);
  });

  it.each([
    ['a look-alike host', `https://${REGION}-console.huaweicloud.com.evil.example`],
    ['a console name as user info', 'https://console.huaweicloud.com@evil.example'],
    ['credentials', `https://user:pw@${REGION}-console.huaweicloud.com`],
    ['another port', `https://${REGION}-console.huaweicloud.com:8443`],
    ['plain http', `http://${REGION}-console.huaweicloud.com`],
    ['the console of a region not configured', 'https://ap-southeast-1-console.huaweicloud.com'],
    ['the metadata service', 'http://169.254.169.254'],
  ])('refuses a signed confirmation on %s and fetches nothing', async (_name, origin) => {
    const message = smn.sign({
      ...smn.confirmation(),
      subscribe_url: `${origin}/smn/subscription/confirm?token=abc`,
    });
    const before = confirmFetches().length;

    const response = await deliver(message);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('refused');
    expect(confirmFetches().length).toBe(before);
  });

  it('refuses a confirmation link on the console with another path', async () => {
    const message = smn.sign({
      ...smn.confirmation(),
      subscribe_url: `https://${REGION}-console.huaweicloud.com/smn/other?token=abc`,
    });
    const before = confirmFetches().length;

    expect((await deliver(message)).status).toBe(400);
    expect(confirmFetches().length).toBe(before);
  });
});

describe('SMN signatures', () => {
  const notification = (id: string) => smn.notification(JSON.stringify(createTrace(id)), 'VPN');

  it('queues a signed notification, fetching the certificate once for many messages', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];

    const statuses = [];
    for (const id of ids) statuses.push((await deliver(notification(id))).status);

    expect(statuses).toEqual([200, 200, 200]);
    expect(
      (await world.drain()).map((body) => JSON.parse(JSON.parse(body).message).resource_id).sort(),
    ).toEqual([...ids].sort());
    const certPath = new URL(smn.signingCertUrl).pathname;
    expect(smn.fetched().filter((p) => p === certPath)).toHaveLength(1);
  });

  it('refuses a notification whose message was changed after signing, and queues nothing', async () => {
    const signed = notification(randomUUID());
    const tampered = { ...signed, message: JSON.stringify(createTrace(randomUUID())) };

    const response = await deliver(tampered);

    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toContain(
      'signature does not match',
    );
    expect(await world.drain()).toEqual([]);
  });

  it.each([
    ['no signature', (m: Record<string, string>) => ({ ...m, signature: '' })],
    ['a signature over other fields', (m: Record<string, string>) => ({ ...m, subject: 'other' })],
    [
      'another signature_version',
      (m: Record<string, string>) => ({ ...m, signature_version: 'v2' }),
    ],
    [
      'a certificate on another host',
      (m: Record<string, string>) => ({
        ...m,
        signing_cert_url: 'https://smn.cn-north-4.myhuaweicloud.com.evil.example/smn/x.pem',
      }),
    ],
    [
      'a certificate over http',
      (m: Record<string, string>) => ({
        ...m,
        signing_cert_url: smn.signingCertUrl.replace('https:', 'http:'),
      }),
    ],
  ])('refuses a notification with %s (403), queues nothing', async (_name, change) => {
    const before = smn.fetched().length;

    const response = await deliver(change(notification(randomUUID())));

    expect(response.status).toBe(403);
    expect(await world.drain()).toEqual([]);
    // Only the known certificate may have been fetched, never another URL.
    expect(
      smn
        .fetched()
        .slice(before)
        .every((p) => p === new URL(smn.signingCertUrl).pathname),
    ).toBe(true);
  });

  it('refuses a confirmation whose subscribe_url was changed after signing, fetching nothing', async () => {
    const signed = smn.confirmation();
    const tampered = { ...signed, subscribe_url: smn.confirmation().subscribe_url ?? '' };
    const before = confirmFetches().length;

    expect((await deliver(tampered)).status).toBe(403);
    expect(confirmFetches().length).toBe(before);
  });
});

describe('SMN messages that do not come as SMN sends them', () => {
  it.each([
    ['in a CloudEvents batch', 'application/cloudevents-batch+json', (m: string) => `[${m}]`],
    ["in EventGrid's envelope", 'application/json', (m: string) => `{"events":[${m}]}`],
    ['in a JSON array', 'application/json', (m: string) => `[${m}]`],
  ])(
    'refuses a validly signed notification %s (400, named), queues nothing',
    async (_name, type, wrap) => {
      const message = JSON.stringify(smn.notification(JSON.stringify(createTrace(randomUUID()))));

      const response = await fetch(`${world.url}/${world.tokens.current}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: wrap(message),
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        rejected: [
          { index: 0, reason: expect.stringContaining('SMN message is taken only alone') },
        ],
      });
      expect(await world.drain()).toEqual([]);
    },
  );
});
