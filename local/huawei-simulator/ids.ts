import { createHash } from 'node:crypto';

/** A UUID-shaped id derived from `seed`: the same seed always gives the same id. */
export const stableUuid = (seed: string): string => {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/**
 * The id of the `index`-th connection generated for a project (from 0). Deterministic, so a
 * process that asked a simulator in another process to generate connections knows their ids.
 */
export const generatedConnectionId = (projectId: string, index: number): string =>
  stableUuid(`${projectId}/vpn-connection/${index}`);

// FNV-1a: cheap and stable, enough to spread addresses.
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/** A public-looking `88.x.x.x` address derived from `seed`, stable per seed. */
export const stableIp = (seed: string): string => {
  const hash = fnv1a(seed);
  return `88.${(hash >>> 16) & 0xff}.${(hash >>> 8) & 0xff}.${(hash & 0xfd) + 1}`;
};
