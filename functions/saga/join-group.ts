import { repositories } from '../../shared/adapters/repositories.ts';
import { leaderboards, seatDispenser } from '../../shared/adapters/cache.ts';
import { sagaStep } from '../../shared/lambda/saga-step.ts';
import { joinGroup, type EntrySagaState } from '../../shared/use-cases/entry-saga.ts';

/** Entry saga, JoinGroup: seats the player in a group (the tournament's size at most). The one step that also uses Redis. */
export const handler = sagaStep<EntrySagaState>('JoinGroup', (state) =>
  joinGroup({ ...repositories(), seats: seatDispenser(), boards: leaderboards() }, state),
);
