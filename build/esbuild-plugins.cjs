// The esbuild plugins of `serverless package` (serverless.yml: custom.esbuild.plugins). Plain
// CommonJS: serverless-esbuild loads this file with require(), before any TypeScript runs.
const { builtinModules } = require('node:module');
const { createHash } = require('node:crypto');
const { basename, extname, relative } = require('node:path');

/**
 * Names each handler's code-split chunks after it: `handlers/create-monitor.chunks/*.mjs`.
 * serverless-esbuild builds every handler on its own into one shared folder, and keeps out of
 * a function's zip only the files that start with another handler's name and a dot; so named,
 * each zip carries its own chunks and none of another function's.
 */
const chunksPerHandler = {
  name: 'chunks-per-handler',
  setup(build) {
    const entries = Object.values(build.initialOptions.entryPoints ?? {});
    const [entry] = entries;
    if (entries.length !== 1 || typeof entry !== 'string') {
      throw new Error('chunks-per-handler expects one entry point per build (serverless-esbuild)');
    }
    build.initialOptions.chunkNames = `${basename(entry, extname(entry))}.chunks/[name]-[hash]`;
  },
};

const BUILTINS = new Set(builtinModules);
const NAMESPACE = 'builtin-by-require';
/** The imports this applies to; a `require` of a built-in already is one. */
const STATIC_OR_DYNAMIC = new Set(['import-statement', 'dynamic-import']);

/**
 * Loads Node's built-in modules with `require` (the banner's `createRequire`), not `import`.
 * Node builds an ES module face for a built-in by reading every one of its exports, and that
 * wakes the lazy ones: `import 'node:http'` loads Node's bundled undici and web streams for
 * exports nothing here uses, which took longer than the rest of a cold start's modules together
 * (about 40 ms of createMonitor's init on the benchmark machine); `require` reads an export only
 * when the code does. `import()` of a built-in (the AWS SDK's HTTP handler loads `node:http`
 * so, on its first request) becomes a `require` too, or the first record would pay instead.
 * Each importing module gets a shim of its own (the importer's path, hashed, in the shim's
 * path): one shared by the handler and a chunk it loads on first use would be a chunk of its
 * own, one module more to read at every cold start.
 */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!STATIC_OR_DYNAMIC.has(args.kind) || !BUILTINS.has(name)) return undefined;
      const importer = createHash('sha256')
        .update(relative(build.initialOptions.absWorkingDir ?? process.cwd(), args.importer))
        .digest('hex')
        .slice(0, 8);
      return { path: `${name}?${importer}`, namespace: NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`node:${args.path.replace(/\?.*/, '')}`)});`,
      loader: 'js',
    }));
  },
};

module.exports = [chunksPerHandler, builtinsByRequire];
