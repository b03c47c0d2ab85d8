import { tableFromEnv } from './dynamo/client.ts';
import { IdempotencyRecords } from './dynamo/idempotency-records.ts';
import { UserRepository } from './dynamo/user-repository.ts';

/**
 * The container's repositories, built on first use and then reused across invocations (the
 * clients keep their connections warm). Handlers pass them to use cases as plain arguments.
 */
let built: { users: UserRepository; idempotency: IdempotencyRecords } | undefined;

export function repositories() {
  if (!built) {
    const table = tableFromEnv();
    built = { users: new UserRepository(table), idempotency: new IdempotencyRecords(table) };
  }
  return built;
}
