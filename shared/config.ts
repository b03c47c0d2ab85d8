import { z } from 'zod';
import { once } from './once.ts';

/**
 * The environment a function runs with, read and validated once. On AWS the stack sets these;
 * the local stack sets the same names from the synthesized template.
 */
const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Only off AWS: DynamoDB Local, LocalStack. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** Functions that use the cache (ElastiCache on AWS). */
  REDIS_URL: z.string().min(1).optional(),
  REDIS_KEY_PREFIX: z.string().default('goodswipe:'),
  /** 'true' for a cluster-mode Redis (ElastiCache Serverless always is): the cluster client. */
  REDIS_CLUSTER: z.enum(['true', 'false']).default('false').transform((flag) => flag === 'true'),
  /** Functions that start the entry saga. */
  ENTRY_SAGA_ARN: z.string().min(1).optional(),
  /** The close job starts the seal workflow. */
  SEAL_WORKFLOW_ARN: z.string().min(1).optional(),
  /** The rebuild job starts the rebuild workflow. */
  REBUILD_WORKFLOW_ARN: z.string().min(1).optional(),
  /** Only off AWS: the local stack's Step Functions endpoint. */
  STEPFUNCTIONS_ENDPOINT: z.url().optional(),
});

export type Config = z.output<typeof configSchema>;

/** Read and validated once per container, on first use. */
export const config = once((): Config => configSchema.parse(process.env));

/** A setting only some functions have; its absence in one that needs it is a deployment bug. */
export function required<K extends keyof Config>(name: K): NonNullable<Config[K]> {
  const value = config()[name];
  if (value === undefined) throw new Error(`${name} is not set for this function`);
  return value as NonNullable<Config[K]>;
}
