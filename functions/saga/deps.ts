import { leaderboards, repositories, seatDispenser } from '../../shared/adapters/repositories.ts';
import type { EntrySagaDeps, SagaTableDeps } from '../../shared/use-cases/entry-saga.ts';

/** The steps' adapters, each built once per container (repositories.ts): DynamoDB's only. */
export const sagaDeps = (): SagaTableDeps => repositories();

/** JoinGroup's: it alone also uses Redis (the seat counter, the group board), so only it builds those. */
export const joinGroupDeps = (): EntrySagaDeps => ({ ...repositories(), seats: seatDispenser(), boards: leaderboards() });
