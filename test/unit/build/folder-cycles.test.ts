import { describe, expect, it } from 'vitest';
import { folderCycles, folderGraph, folderOf } from '../../../build/folder-cycles.ts';

/** A dependency-cruiser result from `from -> to` pairs. */
const cruise = (...edges: [string, string][]) => ({
  modules: [...new Set(edges.flat())].map((source) => ({
    source,
    dependencies: edges.filter(([from]) => from === source).map(([, resolved]) => ({ resolved })),
  })),
});

describe('folder-level import circles', () => {
  it('collapses modules to their lib folder, a lone file standing for itself', () => {
    expect(folderOf('lib/huawei/signer.ts')).toBe('huawei/');
    expect(folderOf('lib/errors.ts')).toBe('errors.ts');
    expect(folderOf('handlers/create-monitor.ts')).toBeUndefined();
    expect(folderOf('node_modules/zod/index.js')).toBeUndefined();
  });

  it('finds a loop between folders whose modules form no module-level circle', () => {
    // Prepare: a.ts -> b/x.ts, b/y.ts -> a/z.ts; no module imports one that imports it
    const graph = folderGraph(
      cruise(
        ['lib/accounts/a.ts', 'lib/huawei/x.ts'],
        ['lib/huawei/y.ts', 'lib/retry/r.ts'],
        ['lib/retry/r.ts', 'lib/accounts/z.ts'],
        ['lib/accounts/z.ts', 'lib/errors.ts'],
      ),
    );
    // Act
    const cycles = folderCycles(graph);
    // Assess
    expect(cycles).toEqual(['lib/accounts/ -> lib/huawei/ -> lib/retry/ -> lib/accounts/']);
  });

  it('passes layers that only import downwards, and imports inside one folder', () => {
    const graph = folderGraph(
      cruise(
        ['lib/provision/p.ts', 'lib/accounts/a.ts'],
        ['lib/accounts/a.ts', 'lib/huawei/h.ts'],
        ['lib/huawei/h.ts', 'lib/huawei/i.ts'],
        ['lib/huawei/i.ts', 'lib/huawei/h.ts'],
        ['lib/huawei/h.ts', 'lib/errors.ts'],
        ['handlers/x.ts', 'lib/provision/p.ts'],
      ),
    );
    expect(folderCycles(graph)).toEqual([]);
  });
});
