import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../infra/repo-root.ts';

/** The bench's scripts take the root from here too. */
export { REPO_ROOT };

const READY = /Good Swipe local stack listening on (http:\/\/\S+)/;

export interface StackProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** `npm start`'s entry point as a child process on a free port, its output piped. */
export function startStackChild(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Runs `npm start`'s entry point as a child process, as a newcomer would, and waits for the
 * ready line. Rejects with the output if it exits first.
 */
export function spawnLocalStack(args: readonly string[] = ['--ephemeral'], env: NodeJS.ProcessEnv = {}): Promise<StackProcess> {
  const child = startStackChild(args, env);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = READY.exec(output)?.[1];
      if (url) {
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (more: Buffer) => (output += more.toString()));
        resolve({
          url,
          child,
          output: () => output,
          exited,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`local stack exited (${code}) before it was ready:\n${output}`)));
  });
}
