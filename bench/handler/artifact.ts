import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readZip } from '../lib/unzip.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ZIP = join(ROOT, '.serverless', 'createMonitor.zip');
const TEMPLATE = join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');
/** What the artifact is built from: newer than the zip means the zip is stale. */
const SOURCES = ['handlers', 'lib', 'build', 'serverless.yml', 'package-lock.json'];

/** The handler as Lambda would get it, unpacked into a temporary directory. */
export interface Artifact {
  /** The bundled handler module. */
  modulePath: string;
  /** Its export Lambda calls. */
  exportName: string;
  /** The handler module and the chunks it imports statically: what a cold import reads. */
  moduleBytes: number;
  sourceMapBytes: number;
  zipBytes: number;
  /** `NODE_OPTIONS` the template gives the function (Lambda starts Node with it). */
  nodeOptions: string;
  /** The function's memory size in the template, in MB. */
  memoryMb: number;
  /** Whether this run had to build it. */
  built: boolean;
  /** Removes the unpacked copy. */
  remove(): void;
}

const newestChange = (path: string): number => {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce(
    (newest, entry) => Math.max(newest, newestChange(join(path, entry))),
    stats.mtimeMs,
  );
};

const isStale = (): boolean => {
  try {
    const built = statSync(ZIP).mtimeMs;
    return SOURCES.some((source) => newestChange(join(ROOT, source)) > built);
  } catch {
    return true;
  }
};

/** Runs `serverless package` (osls) offline, as `npx serverless package` would. */
const packageService = async (): Promise<void> => {
  const requireHere = createRequire(import.meta.url);
  const manifest = requireHere.resolve('osls/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  const cli = join(dirname(manifest), bin.serverless ?? 'bin/serverless.js');
  const child = spawn(process.execPath, [cli, 'package'], {
    cwd: ROOT,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`serverless package failed (exit code ${code}):\n${output}`);
};

/**
 * The bytes of `entry` and of every chunk it imports statically, transitively (esbuild's
 * `from"./x.mjs"` and `import"./x.mjs"`); chunks behind an `import()` wait for first use.
 */
const bytesReadAtImport = (files: Map<string, Buffer>, entry: string): number => {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const code = files.get(name);
    if (seen.has(name) || code === undefined) return;
    seen.add(name);
    for (const [, specifier = ''] of code
      .toString('utf8')
      .matchAll(/\b(?:from|import)\s*"(\.\.?\/[^"]+)"/g)) {
      visit(posix.normalize(posix.join(posix.dirname(name), specifier)));
    }
  };
  visit(entry);
  return [...seen].reduce((total, name) => total + (files.get(name)?.length ?? 0), 0);
};

interface Template {
  Resources: Record<
    string,
    {
      Type: string;
      Properties: {
        Handler?: string;
        MemorySize?: number;
        Environment?: { Variables?: Record<string, unknown> };
      };
    }
  >;
}

/**
 * The `createMonitor` artifact that `serverless package` builds, built now if it is missing or
 * older than its sources, and unpacked to `keepIn` (kept, so that CPU profiles can be read
 * against its source map) or else to a temporary directory.
 */
export const prepareArtifact = async (keepIn?: string): Promise<Artifact> => {
  const built = isStale();
  if (built) await packageService();
  const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as Template;
  const fn = template.Resources.CreateMonitorLambdaFunction?.Properties;
  const [file = 'handlers/create-monitor', exportName = 'handler'] = (fn?.Handler ?? '').split('.');
  const nodeOptions = fn?.Environment?.Variables?.NODE_OPTIONS;

  const zip = readFileSync(ZIP);
  const files = readZip(zip);
  const directory = keepIn ?? mkdtempSync(join(tmpdir(), 'vpn-monitor-bench-'));
  for (const [name, content] of files) {
    const target = join(directory, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  const moduleName = `${file}.mjs`;
  const module = files.get(moduleName);
  if (module === undefined) throw new Error(`${ZIP} has no ${moduleName}`);
  return {
    modulePath: join(directory, moduleName),
    exportName,
    moduleBytes: bytesReadAtImport(files, moduleName),
    sourceMapBytes: files.get(`${moduleName}.map`)?.length ?? 0,
    zipBytes: zip.length,
    nodeOptions: typeof nodeOptions === 'string' ? nodeOptions : '',
    memoryMb: fn?.MemorySize ?? 1024,
    built,
    remove: () => {
      if (keepIn === undefined) rmSync(directory, { recursive: true, force: true });
    },
  };
};
