import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Where compiled workers go: inside the repository, so their packages resolve from node_modules. */
const OUTPUT_DIRECTORY = fileURLToPath(new URL('../results/.workers/', import.meta.url));

/**
 * Compiles a TypeScript worker (and the project modules it imports) to one JavaScript module,
 * packages left as imports. The processes whose time and memory are measured then run plain
 * JavaScript: Node's TypeScript support would otherwise load its own compiler into them.
 */
export const compileWorker = async (entry: string): Promise<string> => {
  const outfile = join(OUTPUT_DIRECTORY, basename(entry).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    logLevel: 'warning',
  });
  return outfile;
};
