import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** Every child this process started and has not seen exit: stopped on the way out. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const STOP_GRACE_MS = 5_000;

const track = (child: ChildProcess): ChildProcess => {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
};

/** Stops one child by its pid: SIGTERM, then SIGKILL if it is still there after a grace period. */
const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
};

/** How a benchmark child is started. */
export interface ChildOptions {
  env?: Record<string, string | undefined>;
  /** Node flags of the child; none by default (the parent's are not inherited). */
  execArgv?: string[];
  /** Where the child's stdout goes; stderr always shows, so failures are seen. */
  stdout?: 'ignore' | 'inherit';
}

/** A child started with {@link startWorker}: it answers `call`s over the IPC channel. */
export interface Worker<Ready> {
  pid: number;
  /** What the child said when it was ready. */
  ready: Ready;
  call<T>(op: string, params?: unknown): Promise<T>;
  stop(): Promise<void>;
}

type Settle = { resolve: (value: unknown) => void; reject: (error: Error) => void };

type FromChild =
  | { type: 'ready'; value: unknown }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };

const isFromChild = (message: unknown): message is FromChild =>
  typeof message === 'object' && message !== null && 'type' in message;

/**
 * Forks `script` (a TypeScript module Node runs directly) and waits until it calls
 * {@link serveParent}. Calls are answered in any order; a child that dies fails its pending calls.
 */
export const startWorker = async <Ready>(
  script: string,
  args: string[] = [],
  options: ChildOptions = {},
): Promise<Worker<Ready>> => {
  const child = track(
    fork(script, args, {
      env: { ...process.env, ...options.env },
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
    }),
  );
  const pending = new Map<number, Settle>();
  let nextId = 0;
  let exitReason: Error | undefined;

  const ready = new Promise<Ready>((resolve, reject) => {
    child.on('message', (message: unknown) => {
      if (!isFromChild(message)) return;
      if (message.type === 'ready') {
        resolve(message.value as Ready);
        return;
      }
      const settle = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) settle?.resolve(message.value);
      else settle?.reject(new Error(`${script} ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      exitReason = new Error(`${script} exited (${signal ?? `code ${code}`})`);
      reject(exitReason);
      for (const settle of pending.values()) settle.reject(exitReason);
      pending.clear();
    });
  });

  return {
    pid: child.pid ?? -1,
    ready: await ready,
    call: <T>(op: string, params?: unknown) =>
      new Promise<T>((resolve, reject) => {
        if (exitReason) {
          reject(exitReason);
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve: (value) => resolve(value as T), reject });
        child.send({ id, op, params });
      }),
    stop: () => stopChild(child),
  };
};

/** What a worker answers to: one function per operation. */
export type Operations = Record<string, (params: unknown) => unknown>;

/**
 * The child's side of {@link startWorker}: answers the parent's calls with `operations`, then
 * says it is ready with `ready`. The child exits when the parent goes away.
 */
export const serveParent = (operations: Operations, ready: unknown = {}): void => {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('This module runs as a benchmark child (fork with IPC)');
  process.on('message', (message: unknown) => {
    const { id, op, params } = message as { id: number; op: string; params: unknown };
    const operation = operations[op];
    Promise.resolve()
      .then(() => {
        if (operation === undefined) throw new Error(`has no operation ${op}`);
        return operation(params);
      })
      .then(
        (value) => send({ type: 'reply', id, ok: true, value }),
        (error: unknown) =>
          send({
            type: 'reply',
            id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
  });
  process.once('disconnect', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
  send({ type: 'ready', value: ready });
};

/** A running process that announced itself with one JSON line on stdout. */
export interface AnnouncedProcess<Info> {
  pid: number;
  info: Info;
  stop(): Promise<void>;
}

/**
 * Spawns `node <script> ...args` and waits for the first line it prints, parsed as JSON (the
 * Huawei simulator's `main.ts` announces its endpoint that way).
 */
export const startAnnouncedProcess = async <Info>(
  script: string,
  args: string[],
  options: ChildOptions = {},
): Promise<AnnouncedProcess<Info>> => {
  const child = track(
    spawn(process.execPath, [...(options.execArgv ?? []), script, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`${script} exited before it was ready (${signal ?? `code ${code}`})`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  exited.catch(() => undefined);
  lines.close();
  child.stdout?.resume();
  return {
    pid: child.pid ?? -1,
    info: JSON.parse(line) as Info,
    stop: () => stopChild(child),
  };
};

/**
 * Forks `script` for one measurement: resolves with the first message it sends, once it has
 * exited. A child that exits without a message (it crashed) rejects.
 */
export const runOnce = async <T>(
  script: string,
  args: string[],
  options: ChildOptions = {},
): Promise<T> => {
  const child = track(
    fork(script, args, {
      env: { ...process.env, ...options.env },
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
    }),
  );
  let answer: { value: unknown } | undefined;
  child.once('message', (message: unknown) => {
    answer = { value: message };
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  if (answer === undefined) {
    throw new Error(`${script} exited without a result (${signal ?? `code ${code}`})`);
  }
  return answer.value as T;
};
