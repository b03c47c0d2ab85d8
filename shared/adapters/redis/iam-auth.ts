import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { logger } from '../observability.ts';
import type { RedisPasswordSource } from './client.ts';

/** ElastiCache accepts an IAM auth token for 15 minutes after it was signed (checked at AUTH only). */
export const IAM_TOKEN_LIFETIME_SECONDS = 900;
/** A token older than this is replaced, so a connection never opens with one about to expire. */
const IAM_TOKEN_REFRESH_MS = 10 * 60_000;

type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface IamAuthOptions {
  /** The serverless cache's name (not its endpoint): the host the token is signed for. */
  readonly cacheName: string;
  /** The IAM-enabled ElastiCache user; its user id and user name are the same. */
  readonly userId: string;
  readonly region: string;
  /** Defaults to the AWS SDK's chain (on Lambda: the function role's credentials from the environment). */
  readonly credentials?: Credentials;
  readonly now?: () => Date;
}

/**
 * The ElastiCache IAM auth token, as AWS's own samples sign it: a SigV4-presigned
 * `GET http://<cacheName>/?Action=connect&User=<userId>&ResourceType=ServerlessCache` for the
 * `elasticache` service, valid 15 minutes, without its `http://`. Signed locally with the
 * function's credentials: no network call, so no VPC endpoint is needed.
 */
export async function signIamAuthToken(options: IamAuthOptions): Promise<string> {
  const signer = new SignatureV4({
    service: 'elasticache',
    region: options.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Sha256,
  });
  const query = { Action: 'connect', User: options.userId, ResourceType: 'ServerlessCache' };
  const signed = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: options.cacheName, path: '/', query, headers: { host: options.cacheName } },
    { expiresIn: IAM_TOKEN_LIFETIME_SECONDS, ...(options.now ? { signingDate: options.now() } : {}) },
  );
  const parameters = Object.entries(signed.query ?? {}).map(
    ([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`,
  );
  return `${options.cacheName}/?${parameters.join('&')}`;
}

/**
 * The password of an IAM-enabled user for createRedis: a token signed before each (re)connect,
 * and again in the background once it is 10 minutes old, so the connections ioredis opens later
 * (a new node, a slot refresh) read one that ElastiCache still accepts.
 */
export class IamAuthToken implements RedisPasswordSource {
  private token = '';
  private signedAt = -Infinity;
  private signing: Promise<void> | undefined;

  constructor(private readonly options: IamAuthOptions) {}

  get current(): string {
    if (this.age() > IAM_TOKEN_REFRESH_MS) void this.refresh();
    return this.token;
  }

  refresh(): Promise<void> {
    if (this.age() <= IAM_TOKEN_REFRESH_MS) return Promise.resolve();
    this.signing ??= signIamAuthToken(this.options)
      .then((token) => {
        this.token = token;
        this.signedAt = this.nowMs();
      })
      // A connection then authenticates with the old token, fails, and ioredis retries.
      .catch((error: unknown) => logger.error('cannot sign an ElastiCache IAM auth token', { error: error as Error }))
      .finally(() => {
        this.signing = undefined;
      });
    return this.signing;
  }

  private age(): number {
    return this.nowMs() - this.signedAt;
  }

  private nowMs(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }
}

/**
 * The IAM auth token a function's Redis connection uses, if any: on AWS the stack gives REDIS_URL
 * a user and no password, and REDIS_IAM_CACHE the cache's name. The local stack and the tests
 * replace REDIS_URL with their own server's (no user), so nothing is signed there.
 */
export function iamAuthFor(redisUrl: string, cacheName: string | undefined, region: string): IamAuthToken | undefined {
  const url = new URL(redisUrl);
  if (cacheName === undefined || url.username === '' || url.password !== '') return undefined;
  return new IamAuthToken({ cacheName, userId: decodeURIComponent(url.username), region });
}
