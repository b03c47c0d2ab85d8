import { parseArgs } from 'node:util';
import path from 'node:path';
import { z } from 'zod';

/** `npm start` options; each has an environment variable too (the flag wins). */
export interface LocalStackOptions {
  readonly port: number;
  readonly clock?: Date;
  readonly ephemeral: boolean;
  /** Where DynamoDB Local keeps its files when not ephemeral. */
  readonly stateDir: string;
  readonly redisUrl?: string;
  readonly dynamodbEndpoint?: string;
}

const schema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  clock: z.iso.datetime({ offset: true }).transform((iso) => new Date(iso)).optional(),
  ephemeral: z.boolean().default(false),
  stateDir: z.string().min(1).default('.goodswipe'),
  redisUrl: z.url().optional(),
  dynamodbEndpoint: z.url().optional(),
});

const truthy = (value: string | undefined) => (value === undefined ? undefined : /^(1|true|yes)$/i.test(value));

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): LocalStackOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      clock: { type: 'string' },
      ephemeral: { type: 'boolean' },
      'state-dir': { type: 'string' },
    },
    strict: true,
  });
  const parsed = schema.parse({
    port: values.port ?? env['PORT'],
    clock: values.clock ?? env['LOCAL_CLOCK'],
    ephemeral: values.ephemeral ?? truthy(env['LOCAL_EPHEMERAL']),
    stateDir: values['state-dir'] ?? env['LOCAL_STATE_DIR'],
    redisUrl: env['REDIS_URL'] || undefined,
    dynamodbEndpoint: env['DYNAMODB_ENDPOINT'] || env['AWS_ENDPOINT_URL'] || undefined,
  });
  return { ...parsed, stateDir: path.resolve(parsed.stateDir) };
}
