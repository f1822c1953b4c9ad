import { availableParallelism, cpus, totalmem } from 'node:os';

/** The machine a run measured, as it appears in the table and the JSON. */
export interface Machine {
  cpu_model: string;
  cpu_cores: number;
  node_version: string;
  platform: string;
  memory_gb: number;
}

/** Describes this machine: CPU model and cores, Node version, platform, memory. */
export const describeMachine = (): Machine => ({
  cpu_model: cpus()[0]?.model.trim() || 'unknown',
  cpu_cores: availableParallelism(),
  node_version: process.version,
  platform: `${process.platform}-${process.arch}`,
  memory_gb: Math.round(totalmem() / 2 ** 30),
});
