import { createRequire } from 'node:module';
import { GetWebIdentityTokenCommand, STSClient } from '@aws-sdk/client-sts';
import type { GlobalCredentials as OfficialGlobalCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials.js';
import type { ClientBuilder as OfficialClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import type { IamClient as OfficialIamClient } from '@huaweicloud/huaweicloud-sdk-iam/v3/IamClient.js';
import type * as IamModels from '@huaweicloud/huaweicloud-sdk-iam/v3/public-api.js';

// The official SDK is CommonJS; it is loaded the way its users load it.
const requireCommonJs = createRequire(import.meta.url);

/** The official SDK core's credentials for global services (IAM, STS). */
export const { GlobalCredentials } = requireCommonJs(
  '@huaweicloud/huaweicloud-sdk-core/auth/GlobalCredentials',
) as { GlobalCredentials: typeof OfficialGlobalCredentials };

/** The official SDK core's client builder, which every service client is made with. */
export const { ClientBuilder } = requireCommonJs(
  '@huaweicloud/huaweicloud-sdk-core/ClientBuilder',
) as { ClientBuilder: typeof OfficialClientBuilder };

/** The official IAM SDK: its client and models. */
export const iam = requireCommonJs(
  '@huaweicloud/huaweicloud-sdk-iam/v3/public-api',
) as typeof IamModels & { IamClient: typeof OfficialIamClient };

/** A web identity token from the local AWS STS at `endpoint`, as the function asks for one. */
export const webIdentityToken = async (endpoint: string, audience: string): Promise<string> => {
  const sts = new STSClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const out = await sts.send(
    new GetWebIdentityTokenCommand({
      Audience: [audience],
      SigningAlgorithm: 'RS256',
      DurationSeconds: 300,
    }),
  );
  sts.destroy();
  return out.WebIdentityToken ?? '';
};
