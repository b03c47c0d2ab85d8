import * as z from './validation.ts';
import { functionEnvironment, once } from './once.ts';

/**
 * The environment a function runs with, read and validated once. On AWS the stack sets these;
 * the local stack sets the same names from the synthesized template.
 */
const nonEmpty = z.string().check(z.minLength(1));

const configSchema = z.object({
  /** Functions that read or write the game table (all but the `$default` route's). */
  TABLE_NAME: z.optional(nonEmpty),
  AWS_REGION: z._default(nonEmpty, 'us-east-1'),
  /** Only off AWS: DynamoDB Local, LocalStack. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  /** Functions that use the cache (ElastiCache on AWS). */
  REDIS_URL: z.optional(nonEmpty),
  REDIS_KEY_PREFIX: z._default(z.string(), 'goodswipe:'),
  /**
   * On AWS: the serverless cache's name. With a user in REDIS_URL (and no password) that user signs
   * in with an IAM auth token for this cache (shared/adapters/redis/iam-auth.ts).
   */
  REDIS_IAM_CACHE: z.optional(nonEmpty),
  /** 'true' for a cluster-mode Redis (ElastiCache Serverless always is): the cluster client. */
  REDIS_CLUSTER: z.pipe(z._default(z.enum(['true', 'false']), 'false'), z.transform((flag) => flag === 'true')),
  /** Functions that start the entry saga. */
  ENTRY_SAGA_ARN: z.optional(nonEmpty),
  /** The enter function's duplicate check (shared/adapters/entry-idempotency.ts). */ ENTRY_IDEMPOTENCY_TABLE_NAME: z.optional(nonEmpty),
  /** The close job starts the seal workflow. */
  SEAL_WORKFLOW_ARN: z.optional(nonEmpty),
  /** The rebuild job starts the rebuild workflow. */
  REBUILD_WORKFLOW_ARN: z.optional(nonEmpty),
  /** Only off AWS: the local stack's Step Functions endpoint. */
  STEPFUNCTIONS_ENDPOINT: z.optional(z.url()),
  /** The `$default` function: the API's route keys (JSON), to tell 405 from 404. */
  KNOWN_ROUTES: z.optional(nonEmpty),
  /** Functions that publish domain events (FinishSeal): the game's bus, good-swipe-<stage>. */
  EVENT_BUS_NAME: z.optional(nonEmpty),
  /** Only off AWS: the local stack's EventBridge endpoint. */
  EVENTBRIDGE_ENDPOINT: z.optional(z.url()),
});

export type Config = z.output<typeof configSchema>;

/** Read and validated once per container, on first use. */
export const config = once((): Config => configSchema.parse(functionEnvironment()));

/** A setting only some functions have; its absence in one that needs it is a deployment bug. */
export function required<K extends keyof Config>(name: K): NonNullable<Config[K]> {
  const value = config()[name];
  if (value === undefined) throw new Error(`${name} is not set for this function`);
  return value as NonNullable<Config[K]>;
}
