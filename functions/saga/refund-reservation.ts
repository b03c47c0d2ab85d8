import { leaderboards } from '../../shared/adapters/cache.ts';
import { repositories } from '../../shared/adapters/repositories.ts';
import { sagaStep } from '../../shared/lambda/saga-step.ts';
import { refundReservation, type EntrySagaState } from '../../shared/use-cases/entry-saga.ts';

/** Entry saga, RefundReservation: the compensation: gives the fee back unless the player joined (then shows them on the board). */
export const handler = sagaStep<EntrySagaState>('RefundReservation', (state, metrics) =>
  refundReservation({ ...repositories(), boards: leaderboards() }, state, metrics),
);
