import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { PrerequisiteMissing } from './prerequisites.ts';
import { freePort, stopChild, waitUntil } from './processes.ts';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface LocalRedis {
  readonly url: string;
  /** Set when the stack started its own redis-server. */
  readonly process?: ChildProcess;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * The Redis the stack uses: REDIS_URL, else 127.0.0.1:6379, else a private `redis-server`
 * started here (and stopped with the stack) when one is installed.
 */
export async function ensureRedis(configuredUrl: string | undefined): Promise<LocalRedis> {
  const url = configuredUrl ?? DEFAULT_REDIS_URL;
  if (await answers(url)) return { url, stop: async () => {} };
  if (configuredUrl) throw new PrerequisiteMissing(`Redis does not answer at REDIS_URL=${configuredUrl}: start it or unset REDIS_URL.`);
  if (spawnSync('redis-server', ['--version']).error) {
    throw new PrerequisiteMissing(
      'Redis is required: nothing answers at 127.0.0.1:6379 and redis-server is not installed (apt-get install redis-server, or set REDIS_URL).',
    );
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const privateUrl = `redis://127.0.0.1:${port}`;
  await waitUntil('redis-server', async () => {
    if (!(await answers(privateUrl))) throw new Error('no PONG yet');
  }, { timeoutMs: 10_000, failed: () => (child.exitCode === null ? undefined : `exit code ${child.exitCode}`) });
  return {
    url: privateUrl,
    process: child,
    stop: () => stopChild(child),
  };
}
