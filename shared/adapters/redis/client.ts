import { Cluster, Redis, type ClusterOptions } from 'ioredis';

/** What each connection to one server gets, standalone or a cluster's node. */
type NodeOptions = Omit<NonNullable<ClusterOptions['redisOptions']>, 'replyMapping'>;

/** Either client: the app only uses commands both have (every multi-key one within one slot). */
export type RedisClient = Redis | Cluster;

export interface RedisConnection {
  /** `redis://` or `rediss://` (TLS, as every ElastiCache Serverless cache requires). */
  readonly url: string;
  /** Added to every key, so stacks and test runs sharing one server never see each other's keys. */
  readonly keyPrefix: string;
  /** A cluster-mode server (ElastiCache Serverless always is): use the cluster client. */
  readonly cluster: boolean;
  readonly lazyConnect?: boolean;
  /**
   * A password that changes (an ElastiCache IAM token, iam-auth.ts), for the URL's user: read by
   * every new connection, and refreshed before each (re)connect. Cluster client only.
   */
  readonly password?: RedisPasswordSource;
}

export interface RedisPasswordSource {
  /** The password for a connection opened now. */
  readonly current: string;
  /** Makes `current` fresh; never rejects (a stale password fails AUTH, and ioredis retries). */
  refresh(): Promise<void>;
}

/** Fail fast while Redis is down instead of waiting on it: callers degrade (e.g. to DynamoDB). */
const COMMAND_TIMEOUT_MS = 1_000;

/**
 * A Redis client for ElastiCache (Valkey/Redis) or the local Redis, in cluster or standalone
 * mode. RESP2, because every ElastiCache engine speaks it (ioredis 6 defaults to RESP3).
 */
export function createRedis(connection: RedisConnection): RedisClient {
  const url = new URL(connection.url);
  const lazyConnect = connection.lazyConnect ?? false;
  if (!connection.cluster) {
    if (connection.password) throw new Error('a changing Redis password needs the cluster client');
    return new Redis(connection.url, { ...nodeOptions(url), keyPrefix: connection.keyPrefix, lazyConnect });
  }
  const cluster = new FastFailCluster([{ host: url.hostname, port: portOf(url) }], {
    keyPrefix: connection.keyPrefix,
    // With a changing password the first connect waits for it (below).
    lazyConnect: lazyConnect || connection.password !== undefined,
    // ElastiCache's TLS certificates name the endpoint, not the node IPs: connect by the name the
    // cluster announces (ioredis README, "AWS ElastiCache Clusters with TLS").
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: nodeOptions(url),
  });
  if (connection.password) {
    cluster.usePassword(connection.password);
    if (!lazyConnect) cluster.connect().catch(() => {}); // failures surface as 'error' events, as ioredis's own connect
  }
  return cluster;
}

function nodeOptions(url: URL): NodeOptions {
  return {
    protocol: 2,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

const portOf = (url: URL) => (url.port ? Number(url.port) : 6379);

/**
 * The cluster client queues commands while it has no slot map (Redis down, or not reached yet)
 * and, unlike the standalone client, applies commandTimeout only once a command reaches a node:
 * a queued command would wait forever. So: the timer starts as the command is sent, and while the
 * client is reconnecting after a failed attempt (Redis known down) a command fails at once, as
 * the standalone client's maxRetriesPerRequest makes it do.
 */
class FastFailCluster extends Cluster {
  private passwordSource?: RedisPasswordSource;

  /**
   * Each node connection (and ioredis's duplicates of it for slot refreshes) reads the password
   * when it connects, and each cluster (re)connect first refreshes it: ioredis itself only knows
   * fixed passwords, and an ElastiCache IAM token is accepted for 15 minutes.
   */
  usePassword(password: RedisPasswordSource): void {
    this.passwordSource = password;
    this.on('+node', (node: Redis) => {
      Object.defineProperty(node.options, 'password', { enumerable: true, configurable: true, get: () => password.current });
    });
  }

  override async connect(): Promise<void> {
    await this.passwordSource?.refresh();
    return super.connect();
  }

  override sendCommand(...args: Parameters<Cluster['sendCommand']>): unknown {
    const [command] = args;
    if (this.status === 'reconnecting') {
      command.reject(new Error('Redis cluster unreachable: reconnecting'));
      return command.promise;
    }
    command.setTimeout(COMMAND_TIMEOUT_MS);
    return super.sendCommand(...args);
  }
}
