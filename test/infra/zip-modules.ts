import { execFileSync } from 'node:child_process';
import { dirname, posix } from 'node:path';

/** The JavaScript modules (`.mjs`) of a function's zip, by their path in it, with their code. */
export const zipModules = (zipPath: string): Map<string, string> => {
  const names = execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name.endsWith('.mjs'));
  return new Map(
    names.map((name) => [
      name,
      execFileSync('unzip', ['-p', zipPath, name], { encoding: 'utf8', maxBuffer: 64 << 20 }),
    ]),
  );
};

/** The relative imports of a bundled module: static (`from"./x.mjs"`, `import"./x.mjs"`) and `import()`. */
export const relativeImports = (code: string): { static: string[]; dynamic: string[] } => ({
  static: [...code.matchAll(/(?:\bfrom|\bimport)\s*"(\.\.?\/[^"]+)"/g)].map((m) => m[1] ?? ''),
  dynamic: [...code.matchAll(/\bimport\(\s*"(\.\.?\/[^"]+)"\s*\)/g)].map((m) => m[1] ?? ''),
});

/** The path in the zip that `specifier`, imported by the module at `from`, names. */
export const resolveIn = (from: string, specifier: string): string =>
  posix.normalize(posix.join(dirname(from), specifier));

/**
 * The modules a cold import of `entry` reads before any handler code runs: the entry and
 * every module it imports statically, transitively. `import()`ed chunks are left out.
 */
export const staticClosure = (modules: Map<string, string>, entry: string): Set<string> => {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const specifier of relativeImports(modules.get(name) ?? '').static) {
      visit(resolveIn(name, specifier));
    }
  };
  visit(entry);
  return seen;
};
