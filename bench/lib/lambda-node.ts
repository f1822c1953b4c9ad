/**
 * The V8 heap flags the AWS Lambda Node.js runtime starts Node with for a function of
 * `memoryMb` (its bootstrap gives a tenth of the memory to the young generation, split into two
 * semi-spaces, and the rest to the old generation), plus `--expose-gc`, which it also passes.
 * Without them V8 sizes its heap for this machine's memory and keeps garbage far longer.
 */
export const lambdaNodeFlags = (memoryMb: number): string[] => {
  const newSpace = Math.floor(memoryMb / 10);
  return [
    '--expose-gc',
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
};

/** Node flags that write a CPU profile of the process into `directory` when it exits. */
export const profileFlags = (directory: string | undefined): string[] =>
  directory === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${directory}`];
