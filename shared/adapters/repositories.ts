import { once } from '../once.ts';
import { tableFromEnv } from './dynamo/client.ts';
import { EntryRepository } from './dynamo/entry-repository.ts';
import { GroupRepository } from './dynamo/group-repository.ts';
import { IdempotencyRecords } from './dynamo/idempotency-records.ts';
import { LevelUpOutbox } from './dynamo/level-up-outbox.ts';
import { MemberRepository } from './dynamo/member-repository.ts';
import { TournamentRepository } from './dynamo/tournament-repository.ts';
import { UserRepository } from './dynamo/user-repository.ts';

/*
 * The composition root, in three modules by dependency: the DynamoDB repositories (here), the
 * cache (cache.ts: ioredis) and the workflows (workflows.ts: the Step Functions client). A
 * function imports only the modules it uses, so its bundle carries only those clients (a route
 * that never touches Redis never loads ioredis). Each adapter is built by once() on first use and
 * reused across invocations (the clients keep their connections warm); handlers pass them to use
 * cases as plain values.
 */

/** The DynamoDB repositories, all on the container's one table client. */
export const repositories = once(() => {
  const table = tableFromEnv();
  return {
    users: new UserRepository(table),
    idempotency: new IdempotencyRecords(table),
    tournaments: new TournamentRepository(table),
    entries: new EntryRepository(table),
    members: new MemberRepository(table),
    groups: new GroupRepository(table),
    outbox: new LevelUpOutbox(table),
  };
});
