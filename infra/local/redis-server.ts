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
  // ioredis rejects a failed connect with "Connection is closed."; the socket's error says why (ECONNREFUSED...).
  let socketError: Error | undefined;
  probe.on('error', (error: Error) => (socketError ??= error));
  try {
    await probe.connect().catch((error: unknown) => {
      throw socketError ?? error;
    });
    return await use(probe);
  } finally {
    probe.disconnect();
  }
}

/** How long a start-up waits for a Redis that accepts connections but does not answer (stalled, busy). */
const STALLED_REDIS_WAIT_MS = 120_000;

/**
 * Whether the server at `url` runs in cluster mode; 'refused' if nothing listens there;
 * undefined if it accepts the connection but does not answer.
 */
async function clusterModeOf(url: string): Promise<boolean | 'refused' | undefined> {
  try {
    return await withProbe(url, async (probe) => /^cluster_enabled:1\b/m.test(await probe.info('cluster')));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'refused' : undefined;
  }
}

/**
 * The Redis the stack uses: the server REDIS_URL names (standalone or cluster mode, detected),
 * else a private cluster-mode `redis-server`, as ElastiCache Serverless only runs in cluster
 * mode: a command or transaction whose keys span slots fails here as it would on AWS. A server
 * that is there but does not answer yet (stalled, or busy loading) is waited for, as functions
 * on AWS would simply wait on their cache; nothing listening fails at once.
 */
export async function ensureRedis(configuredUrl: string | undefined, log: (line: string) => void = () => {}): Promise<LocalRedis> {
  if (!configuredUrl) return startClusterRedis();
  let cluster = await clusterModeOf(configuredUrl);
  if (cluster === undefined) {
    log(`Redis at REDIS_URL=${configuredUrl} accepts connections but does not answer; waiting up to ${STALLED_REDIS_WAIT_MS / 1000} s`);
    const answered = async () => {
      cluster = await clusterModeOf(configuredUrl);
      if (cluster === undefined) throw new Error('no answer');
    };
    const refused = () => (cluster === 'refused' ? 'nothing listens there any more' : undefined);
    // Past the bound (or refused meanwhile) `cluster` says so, and the error below explains it.
    await waitUntil('Redis', answered, { timeoutMs: STALLED_REDIS_WAIT_MS, failed: refused }).catch(() => {});
  }
  if (typeof cluster !== 'boolean') throw new PrerequisiteMissing(`Redis does not answer at REDIS_URL=${configuredUrl}: start it or unset REDIS_URL.`);
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
