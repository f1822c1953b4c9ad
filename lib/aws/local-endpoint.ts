/** The host names of this machine, the only ones plain `http://` and emulator endpoints may use. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True when `url` is on a loopback host; `false` for text that is not a URL. */
const isLoopbackUrl = (url: string): boolean =>
  URL.canParse(url) && LOOPBACK_HOSTS.has(new URL(url).hostname);

/** Dummy static credentials; emulators accept anything, the SDK only needs something to sign. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Where an operator command sends its AWS calls: the SDK's defaults unless named. */
export interface AwsEndpointSettings {
  region?: string | undefined;
  endpoint?: string | undefined;
}

/**
 * The client options for `settings`: the region and endpoint when given, and dummy credentials
 * for an endpoint on a loopback address (emulators check no signature; real AWS is never on a
 * loopback address, so no real credentials are ever sent to one).
 */
export const endpointOptions = ({ region, endpoint }: AwsEndpointSettings) => ({
  ...(region !== undefined ? { region } : {}),
  ...(endpoint !== undefined ? { endpoint } : {}),
  ...(endpoint !== undefined && isLoopbackUrl(endpoint) ? { credentials: LOCAL_CREDENTIALS } : {}),
});
