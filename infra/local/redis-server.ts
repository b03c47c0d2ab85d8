import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { PrerequisiteMissing } from './prerequisites.ts';
import { freePort, stopChild, waitUntil } from './processes.ts';

export interface LocalRedis {
  readonly url: string;
  /** A cluster-mode server (what ElastiCache Serverless runs): the functions use the cluster client. */
  readonly cluster: boolean;
  /** Set when the stack started its own redis-server. */
  readonly process?: ChildProcess;
  stop(): Promise<void>;
}

/** One plain connection to one server (also to a cluster node: INFO and CLUSTER are node-local). */
export async function withProbe<T>(url: string, use: (probe: Redis) => Promise<T>): Promise<T> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return await use(probe);
  } finally {
    probe.disconnect();
  }
}

/** Whether the server at `url` runs in cluster mode, or undefined if it does not answer. */
async function clusterModeOf(url: string): Promise<boolean | undefined> {
  try {
    return await withProbe(url, async (probe) => /^cluster_enabled:1\b/m.test(await probe.info('cluster')));
  } catch {
    return undefined;
  }
}

/**
 * The Redis the stack uses: the server REDIS_URL names (standalone or cluster mode, detected),
 * else a private cluster-mode `redis-server`, as ElastiCache Serverless only runs in cluster
 * mode: a command or transaction whose keys span slots fails here as it would on AWS.
 */
export async function ensureRedis(configuredUrl: string | undefined): Promise<LocalRedis> {
  if (!configuredUrl) return startClusterRedis();
  const cluster = await clusterModeOf(configuredUrl);
  if (cluster === undefined) throw new PrerequisiteMissing(`Redis does not answer at REDIS_URL=${configuredUrl}: start it or unset REDIS_URL.`);
  return { url: configuredUrl, cluster, stop: async () => {} };
}

/**
 * A private `redis-server --cluster-enabled yes` on a free port of 127.0.0.1: one node owning
 * all 16384 slots, nothing persisted, its nodes.conf in a temporary directory removed at stop.
 * It never outlives the process that started it.
 */
export async function startClusterRedis(): Promise<LocalRedis> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new PrerequisiteMissing('Redis is required: redis-server is not installed (apt-get install redis-server), or set REDIS_URL to a running server.');
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'goodswipe-redis-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // prettier-ignore
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-ip', '127.0.0.1',
  ], { stdio: 'ignore' });
  const killOnExit = () => {
    if (!child.killed) child.kill('SIGKILL');
    removeDir();
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let failure: string | undefined;
  child.once('exit', (code, signal) => (failure = `exited (${signal ?? code})`));
  child.once('error', (error) => (failure = error.message));

  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    removeDir();
  };
  try {
    await waitUntil('redis-server', () => withProbe(url, (probe) => probe.ping()), { timeoutMs: 10_000, failed: () => failure });
    await withProbe(url, (probe) => probe.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383'));
    await waitUntil(
      'redis-server cluster',
      () =>
        withProbe(url, async (probe) => {
          if (!/^cluster_state:ok\b/m.test(String(await probe.call('CLUSTER', 'INFO')))) throw new Error('cluster_state is not ok yet');
        }),
      { timeoutMs: 10_000, failed: () => failure },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, cluster: true, process: child, stop };
}
