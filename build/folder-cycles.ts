/**
 * Fails when folders of `lib/` import each other, directly or around a loop. dependency-cruiser's
 * `circular` rule sees modules only; this check reads its JSON (`depcruise lib --output-type
 * json`), collapses every module to its folder (`lib/huawei/...` to `huawei/`; a lone
 * file such as `lib/errors.ts` stands for itself), and names each loop it finds. `npm run lint`
 * runs it; it runs dependency-cruiser itself, with the project's rules.
 */
import { execFileSync } from 'node:child_process';

/** The part of dependency-cruiser's JSON output this check reads. */
interface CruiseResult {
  modules: { source: string; dependencies: { resolved: string }[] }[];
}

/** The folder (or lone top-level file) of `lib/` a module belongs to; `undefined` outside lib/. */
export const folderOf = (path: string): string | undefined => {
  const match = /^lib\/([^/]+)(\/)?/.exec(path);
  if (match === null) return undefined;
  return match[2] === undefined ? match[1] : `${match[1]}/`;
};

/** The folder graph: which folders each folder imports, itself left out. */
export const folderGraph = (result: CruiseResult): Map<string, Set<string>> => {
  const graph = new Map<string, Set<string>>();
  for (const module of result.modules) {
    const from = folderOf(module.source);
    if (from === undefined) continue;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const dependency of module.dependencies) {
      const to = folderOf(dependency.resolved);
      if (to !== undefined && to !== from) edges.add(to);
    }
  }
  return graph;
};

/**
 * Every loop of the graph, one per strongly connected component of more than one folder
 * (Tarjan's algorithm), written as the path that closes it: `a/ -> b/ -> a/`.
 */
export const folderCycles = (graph: Map<string, Set<string>>): string[] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      if (component.length > 1) components.push(component);
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((component) => {
    // A path through the component, from its first folder back to it, by breadth-first search.
    const members = new Set(component);
    const start = [...members].sort()[0] ?? '';
    const previous = new Map<string, string>();
    const queue = [start];
    for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
      for (const next of graph.get(node) ?? []) {
        if (!members.has(next)) continue;
        if (next === start) {
          const path = [node];
          for (let at = previous.get(node); at !== undefined; at = previous.get(at))
            path.unshift(at);
          return [...path, start].map((folder) => `lib/${folder}`).join(' -> ');
        }
        if (!previous.has(next) && next !== start) {
          previous.set(next, node);
          queue.push(next);
        }
      }
    }
    return component.map((folder) => `lib/${folder}`).join(', ');
  });
};

if (import.meta.main) {
  const cruise = () =>
    execFileSync(
      process.execPath,
      [
        'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs',
        'lib',
        '--config',
        '.dependency-cruiser.cjs',
        '--output-type',
        'json',
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
    );
  let json: string;
  try {
    json = cruise();
  } catch (error) {
    // dependency-cruiser exits non-zero when a rule of its own is broken; its graph still holds.
    const stdout = (error as { stdout?: unknown }).stdout;
    if (typeof stdout !== 'string' || stdout === '') throw error;
    json = stdout;
  }
  const result = JSON.parse(json) as CruiseResult;
  const cycles = folderCycles(folderGraph(result));
  if (cycles.length > 0) {
    for (const cycle of cycles) console.error(`folder import circle: ${cycle}`);
    console.error(
      `${cycles.length} folder-level import circle(s) in lib/: move the shared part to the lower folder`,
    );
    process.exit(1);
  }
  console.log(
    `no folder-level import circle in lib/ (${folderGraph(result).size} folders and files)`,
  );
}
