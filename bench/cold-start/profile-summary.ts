import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The parts of a V8 `.cpuprofile` this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { url: string; lineNumber: number; columnNumber: number; functionName: string };
    hitCount?: number;
  }[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Milliseconds of a profile spent in each module (an npm package, or a folder of this project). */
export type ModuleTimes = [module: string, ms: number][];

/** The package a bundled source path comes from, or the project folder it lives in. */
const moduleOf = (source: string): string => {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (inPackage?.[1]) return inPackage[1];
  const project = /(?:^|\/)((?:lib|handlers)\/[^/]+)/.exec(source);
  return project?.[1]?.replace(/\.ts$/, '') ?? source;
};

/**
 * Sums a CPU profile's self time by module: each sampled frame in a bundle file is traced back
 * through the file's source map (`<file>.map` beside it) to its original source; frames
 * elsewhere count as Node's own (`(node)`) or as V8's (`(program)`, `(garbage collector)`),
 * compiling and parsing included. Largest first.
 */
export const summariseProfile = (profilePath: string): ModuleTimes => {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const samples = profile.samples?.length ?? 0;
  const msPerSample = samples === 0 ? 0 : (profile.endTime - profile.startTime) / 1000 / samples;
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string): SourceMap | undefined => {
    if (!maps.has(url)) {
      let map: SourceMap | undefined;
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
      } catch {
        map = undefined;
      }
      maps.set(url, map);
    }
    return maps.get(url);
  };
  const times = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { url, lineNumber, columnNumber, functionName } = node.callFrame;
    let name: string;
    if (url === '') name = functionName.startsWith('(') ? functionName : '(node)';
    else if (!url.startsWith('file:')) name = '(node)';
    else {
      const entry = mapOf(url)?.findEntry(lineNumber, columnNumber);
      const source = entry && 'originalSource' in entry ? entry.originalSource : url;
      name = moduleOf(source);
    }
    times.set(name, (times.get(name) ?? 0) + hits * msPerSample);
  }
  return [...times].sort((a, b) => b[1] - a[1]);
};
