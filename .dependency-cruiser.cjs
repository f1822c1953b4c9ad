/**
 * The layering rules `npm run lint` checks (see docs/architecture.md): entry points (handlers/,
 * commands/) → features → plumbing, no circles, deployed code never reaching dev-only code, and each lib folder used by
 * other folders and by the entry points only through its face (`lib/<folder>/index.ts`). Tests, the
 * local stack and the benchmarks may import inner files (a unit test tests one module). Circles
 * between folders, which module-level `circular` cannot see, are build/folder-cycles.ts's check.
 */
/** An inner file of a lib folder: any of its files but its face, index.ts. */
const inner = '^lib/[^/]+/(?!index[.]ts$)';

module.exports = {
  forbidden: [
    {
      name: 'lib-folders-through-their-face',
      severity: 'error',
      comment:
        'Another lib folder is used through its index.ts only: import what it lists there (add it to the face if it is missing), never one of its inner files.',
      from: { path: '^lib/([^/]+)/' },
      to: { path: inner, pathNot: '^lib/$1/' },
    },
    {
      name: 'entry-points-through-the-faces',
      severity: 'error',
      comment:
        'handlers/, commands/ and the lone files of lib/ (errors.ts, log.ts...) use a lib folder through its index.ts only. Tests, the local stack and the benchmarks may reach inner files.',
      from: { path: '^(handlers/|commands/|lib/[^/]+[.]ts$)' },
      to: { path: inner },
    },
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
      comment: 'lib/ is what handlers, commands and tools build on; it never imports them.',
      from: { path: '^lib/' },
      to: { path: '^(handlers|commands|local|bench|test|bin)/' },
    },
    {
      name: 'handlers-not-to-dev-code',
      severity: 'error',
      comment:
        'handlers/ ship to Lambda and commands/ to operators; the local stack, benchmarks and tests never do.',
      from: { path: '^(handlers|commands)/' },
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
