import { z } from 'zod';

/**
 * The environment a function runs with, read and validated once. On AWS the stack sets these;
 * the local stack sets the same names from the synthesized template.
 */
const configSchema = z.object({
  TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Only off AWS: DynamoDB Local, LocalStack. */
  DYNAMODB_ENDPOINT: z.url().optional(),
});

export type Config = z.output<typeof configSchema>;

let cached: Config | undefined;

export function config(): Config {
  cached ??= configSchema.parse(process.env);
  return cached;
}
