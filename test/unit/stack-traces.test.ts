import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STACK_TRACES = fileURLToPath(new URL('../../lib/stack-traces.ts', import.meta.url));

/** A bundled module that fails in a method called from an async function, and logs the stack. */
const ENTRY = `
import { mapStackTraces } from ${JSON.stringify(STACK_TRACES)};

mapStackTraces();

class Vault {
  open(): never {
    throw new Error('sealed');
  }
}

const openLater = async (): Promise<void> => {
  await Promise.resolve();
  new Vault().open();
};

openLater().catch((error: Error) => console.log(error.stack));
`;

const directory = mkdtempSync(join(tmpdir(), 'stack-traces-'));
const bundle = join(directory, 'out', 'entry.mjs');

/** The stack the bundle logs, run with `nodeOptions`. */
const stackOf = (nodeOptions: string[] = []): string =>
  execFileSync(process.execPath, [...nodeOptions, bundle], { encoding: 'utf8' });

beforeAll(async () => {
  writeFileSync(join(directory, 'entry.ts'), ENTRY);
  // As serverless.yml bundles: minified ESM with a source map beside it, no sources inside.
  await build({
    entryPoints: [join(directory, 'entry.ts')],
    outfile: bundle,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'silent',
  });
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('mapStackTraces', () => {
  it("names a bundle's TypeScript lines, in the very text --enable-source-maps gives", () => {
    const stack = stackOf();
    expect(stack).toMatch(/^Error: sealed\n {4}at .*\.open \(.*entry\.ts:8:11\)/);
    expect(stack).toMatch(/\n {4}at .* \(.*entry\.ts:14:15\)/);
    expect(stack).not.toMatch(/entry\.mjs/);
    expect(stack).toBe(stackOf(['--enable-source-maps']));
  });

  it('leaves the stack alone where the bundle has no source map beside it', () => {
    rmSync(`${bundle}.map`);
    expect(stackOf()).toMatch(/\(file:\/\/.*entry\.mjs:\d+:\d+\)/);
  });
});
