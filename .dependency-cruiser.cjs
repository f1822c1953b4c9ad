/**
 * The layering rules `npm run lint` checks (see README, "Architecture"): handlers → features →
 * plumbing, no circles, deployed code never reaching dev-only code.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: split the shared part into a module both sides import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-not-to-entry-points',
      severity: 'error',
      comment: 'lib/ is what handlers and tools build on; it never imports them.',
      from: { path: '^lib/' },
      to: { path: '^(handlers|local|bench|test|bin)/' },
    },
    {
      name: 'handlers-not-to-dev-code',
      severity: 'error',
      comment: 'handlers/ ship to Lambda; the local stack, benchmarks and tests never do.',
      from: { path: '^handlers/' },
      to: { path: '^(local|bench|test)/' },
    },
    {
      name: 'aws-plumbing-stands-alone',
      severity: 'error',
      comment: 'lib/aws/ is the floor: it imports the AWS SDK and nothing else of lib/.',
      from: { path: '^lib/aws/' },
      to: { path: '^lib/', pathNot: '^lib/aws/' },
    },
    {
      name: 'cli-plumbing-under-features',
      severity: 'error',
      comment:
        'lib/cli/ helpers serve every command; only the entry point (run-cli.ts) knows the commands.',
      from: { path: '^lib/cli/', pathNot: '^lib/cli/run-cli[.]ts$' },
      to: { path: '^lib/', pathNot: '^lib/(aws|cli)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import that resolves to nothing (aws-lambda is types only, from @types/aws-lambda).',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
