import type { HuaweiIdentityClient, IdentityClientOptions } from './huawei-identity.ts';

/**
 * The Huawei identity client (STS `assume`, `assume-with-oidc`, IAM `securitytokens`,
 * `auth/projects`), loaded on its first call. Only `agency` and `oidc` accounts and
 * `"projects": "discover"` call it, so a single-key deployment never loads that code: the
 * bundle keeps it in a chunk of its own (`splitting` in serverless.yml).
 */
export const createLazyIdentityClient = (options: IdentityClientOptions): HuaweiIdentityClient => {
  let loading: Promise<HuaweiIdentityClient> | undefined;
  const client = (): Promise<HuaweiIdentityClient> => {
    loading ??= import('./huawei-identity.ts').then(
      (module) => module.createHuaweiIdentityClient(options),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  return {
    assumeAgency: async (...args) => (await client()).assumeAgency(...args),
    assumeAgencyWithOidc: async (...args) => (await client()).assumeAgencyWithOidc(...args),
    securityTokens: async (...args) => (await client()).securityTokens(...args),
    listProjects: async (...args) => (await client()).listProjects(...args),
    close: () => {
      // Nothing to close when no call loaded it; a client still loading is closed once it is.
      void loading?.then(
        (loaded) => loaded.close(),
        () => undefined,
      );
    },
  };
};
