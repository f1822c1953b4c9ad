// The esbuild plugins of `serverless package` (serverless.yml: custom.esbuild.plugins). Plain
// CommonJS: serverless-esbuild loads this file with require(), before any TypeScript runs.
const { basename, extname } = require('node:path');

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

module.exports = [chunksPerHandler];
