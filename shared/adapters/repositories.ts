import { config, required } from '../config.ts';
import { once } from '../once.ts';
import { tableFromEnv } from './dynamo/client.ts';
import { EntryRepository } from './dynamo/entry-repository.ts';
import { GroupRepository } from './dynamo/group-repository.ts';
import { IdempotencyRecords } from './dynamo/idempotency-records.ts';
import { LevelUpOutbox } from './dynamo/level-up-outbox.ts';
import { MemberRepository } from './dynamo/member-repository.ts';
import { TournamentRepository } from './dynamo/tournament-repository.ts';
import { UserRepository } from './dynamo/user-repository.ts';
import { EntrySagaRunner } from './entry-saga-runner.ts';
import { WorkflowStarter } from './workflow-starter.ts';
import { createRedis, type RedisClient } from './redis/client.ts';
import { Leaderboards } from './redis/leaderboards.ts';
import { SeatDispenser } from './redis/seat-dispenser.ts';

/*
 * The container's adapters, each built on first use and then reused across invocations (the
 * clients keep their connections warm). Handlers pass them to use cases as plain arguments.
 */

const dynamo = once(() => {
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

export const redis = once(
  (): RedisClient => createRedis({ url: required('REDIS_URL'), keyPrefix: config().REDIS_KEY_PREFIX, cluster: config().REDIS_CLUSTER }),
);

export const repositories = dynamo;

export const seatDispenser = once(() => new SeatDispenser(redis()));

export const leaderboards = once(() => new Leaderboards(redis()));

export const entrySagaRunner = once(() => new EntrySagaRunner(required('ENTRY_SAGA_ARN'), config().STEPFUNCTIONS_ENDPOINT));

export const sealWorkflow = once(() => new WorkflowStarter(required('SEAL_WORKFLOW_ARN'), config().STEPFUNCTIONS_ENDPOINT));

export const rebuildWorkflow = once(() => new WorkflowStarter(required('REBUILD_WORKFLOW_ARN'), config().STEPFUNCTIONS_ENDPOINT));
