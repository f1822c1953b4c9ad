import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../lib/errors.ts';
import { createCredentialsProvider } from '../../../lib/huawei/credentials.ts';

const SECRET_ID = 'vpn-monitor-provisioner/test/huawei-credentials';
const SK = 'a-secret-key-that-must-never-be-quoted';

/** A provider over a Secrets Manager stand-in that holds `value` and counts its reads. */
const providerOver = (value: string | undefined) => {
  const state = { value, reads: 0 };
  const provider = createCredentialsProvider(
    { kind: 'secrets-manager', secretId: SECRET_ID },
    () => {
      state.reads += 1;
      return Promise.resolve(state.value);
    },
  );
  return { state, provider };
};

describe('Huawei credentials from Secrets Manager', () => {
  it('reads the key once, and again only after a refresh', async () => {
    const { state, provider } = providerOver(
      JSON.stringify({ ak: 'AK1', sk: SK, security_token: 'token-1' }),
    );

    expect(await provider.get()).toEqual({ ak: 'AK1', sk: SK, securityToken: 'token-1' });
    expect(await provider.get()).toEqual({ ak: 'AK1', sk: SK, securityToken: 'token-1' });
    expect(state.reads).toBe(1);

    state.value = JSON.stringify({ ak: 'AK2', sk: SK });
    provider.refresh();
    expect(await provider.get()).toEqual({ ak: 'AK2', sk: SK, securityToken: undefined });
    expect(state.reads).toBe(2);
  });

  it.each([
    ['nothing', undefined],
    ['text that is not JSON', `ak=AK1 sk=${SK}`],
    ['no ak', JSON.stringify({ sk: SK })],
    ['an empty sk', JSON.stringify({ ak: 'AK1', sk: '' })],
    ['an sk that is not a string', JSON.stringify({ ak: 'AK1', sk: [SK] })],
  ])('holding %s, names the secret and what to put there, never its content', async (_n, value) => {
    const { provider } = providerOver(value);

    const error = await provider.get().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain(SECRET_ID);
    expect(message).toContain('put the Huawei access key there');
    expect(message).not.toContain(SK);
  });
});
