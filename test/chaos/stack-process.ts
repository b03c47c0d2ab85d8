import type { ChildProcess } from 'node:child_process';
import { startStackChild } from '../support/local-stack.ts';

const READY = /Good Swipe local stack listening on (http:\/\/\S+)/;

/** A stack process; `url` is set once it printed its ready line. */
interface StackProcess {
  readonly child: ChildProcess;
  url: string | undefined;
  output(): string;
  readonly exited: Promise<number | null>;
  /** Resolves true once ready, false if it exited or `ms` passed first. */
  readyWithin(ms: number): Promise<boolean>;
  stop(): Promise<number | null>;
}

/**
 * `npm start`'s entry point as a child process, as test/support/local-stack.ts runs it, but with
 * the child in hand before it is ready: a start that never gets ready can be judged and ended.
 */
function spawnStack(args: readonly string[], env: NodeJS.ProcessEnv): StackProcess {
  const child = startStackChild(args, env);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const process_: StackProcess = {
    child,
    url: undefined,
    output: () => output,
    exited,
    readyWithin: async (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        ready.then(() => true),
        exited.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
      ]);
      clearTimeout(timer);
      return outcome;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  const onData = (chunk: Buffer) => {
    // Only the tail is kept: a long run's function logs would otherwise pile up.
    output = (output + chunk.toString()).slice(-20_000);
    const url = READY.exec(output)?.[1];
    if (url && !process_.url) {
      process_.url = url;
      markReady();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return process_;
}

/**
 * The local clock as last seen, and the real time it was seen at: the local clock keeps running
 * in real time between moves, so a restarted stack must start from where the dead one would be
 * now (it never goes back; a little ahead is harmless).
 */
export class ClockTracker {
  private localMs: number;
  private seenAtMs = Date.now();

  constructor(start: string) {
    this.localMs = Date.parse(start);
  }

  saw(nowIso: string): void {
    const at = Date.parse(nowIso);
    if (Number.isNaN(at)) return;
    this.localMs = at;
    this.seenAtMs = Date.now();
  }

  /** The local clock now, as far as the runner can tell. */
  estimate(): Date {
    return new Date(this.localMs + (Date.now() - this.seenAtMs));
  }
}

/** How the stack process ended, if it did. */
export interface StackExit {
  readonly code: number | null;
  readonly output: string;
}

/**
 * The local stack as a child process (exactly `npm start`), on a state directory that outlives it
 * (DynamoDB is the run's own, Redis too; the directory keeps the stream checkpoint and the Redis
 * key prefix), restarted after each crash or stop with the clock where it would be.
 */
export class ChaosStack {
  private process: StackProcess | undefined;
  /** Increments on every start: tokens signed by an older process are void. */
  generation = 0;
  /** Every earlier process's last lines, for reports of a death nobody asked for. */
  private readonly pastOutput: string[] = [];

  constructor(
    private readonly stateDir: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly clock: ClockTracker,
  ) {}

  get url(): string {
    if (!this.process?.url) throw new Error('the stack is not running');
    return this.process.url;
  }

  /** Ready and not exited. */
  get running(): boolean {
    const child = this.process?.child;
    return this.process?.url !== undefined && child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /**
   * Starts a process and waits up to `ms` for its ready line: false if it is not ready by then
   * (it may still get ready: `readyWithin`) or exited first.
   */
  async start(ms: number): Promise<boolean> {
    // A second ahead: the estimate lags by the time the process takes to read its clock option.
    const clock = new Date(this.clock.estimate().getTime() + 1000).toISOString();
    const started = spawnStack(['--state-dir', this.stateDir, '--clock', clock], this.env);
    this.process = started;
    this.generation++;
    this.clock.saw(clock);
    return started.readyWithin(ms);
  }

  /** For a start that is slow to get ready: waits up to `ms` more for the same process. */
  async readyWithin(ms: number): Promise<boolean> {
    return this.process?.readyWithin(ms) ?? false;
  }

  /** Whether the current process has ended (ready or not). */
  exitedAlready(): boolean {
    const child = this.process?.child;
    return child === undefined || child.exitCode !== null || child.signalCode !== null;
  }

  /** Ends a process that never got ready (SIGKILL: it may be stuck). */
  async kill(): Promise<void> {
    if (!this.process) return;
    this.process.child.kill('SIGKILL');
    await this.process.exited;
    this.retire();
  }

  /** Resolves with how the process ended if it ends within `ms`, else undefined. */
  async exitWithin(ms: number): Promise<StackExit | undefined> {
    const current = this.process;
    if (!current) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      current.exited,
      new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), ms))),
    ]);
    clearTimeout(timer);
    if (code === 'running') return undefined;
    return { code, output: current.output().slice(-4000) };
  }

  /** A graceful stop (SIGTERM): the stack stops its pollers and closes its servers. */
  async stop(): Promise<number | null> {
    if (!this.process) return null;
    const code = await this.process.stop();
    this.retire();
    return code;
  }

  /** Forgets a process that has ended (crashed), keeping its last lines. */
  retire(): void {
    if (this.process) this.pastOutput.push(this.process.output().slice(-4000));
    this.process = undefined;
  }

  /** The current process's last lines (or the last dead one's). */
  recentOutput(): string {
    return (this.process?.output() ?? this.pastOutput.at(-1) ?? '').slice(-4000);
  }
}
