import type { CacheAccess } from '../constructs/lambda.ts';

export interface ExternalRedisProps {
  /** `redis://` or `rediss://`, as the functions reach it from their containers. */
  readonly url: string;
  /** A cluster-mode server: the functions use the cluster client. */
  readonly cluster: boolean;
  /** The prefix of every key of the stage (shared servers keep stages apart). */
  readonly keyPrefix: string;
}

/**
 * The LocalStack variant's Redis: one the developer runs (ElastiCache is not in LocalStack's free
 * plan). No resource, no VPC (the AWS stack's VPC exists only for ElastiCache), no IAM
 * authentication (REDIS_IAM_CACHE is not set, so the functions sign nothing): the functions get
 * the server's URL and talk to it directly.
 */
export class ExternalRedis implements CacheAccess {
  readonly redisEnvironment: Readonly<Record<string, string>>;

  constructor(props: ExternalRedisProps) {
    this.redisEnvironment = {
      REDIS_URL: props.url,
      REDIS_KEY_PREFIX: props.keyPrefix,
      REDIS_CLUSTER: String(props.cluster),
    };
  }

  /** A Redis without IAM users: nothing to grant. */
  grantConnect(): void {}
}
