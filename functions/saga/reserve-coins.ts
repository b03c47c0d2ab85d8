import { repositories } from '../../shared/adapters/repositories.ts';
import { sagaStep } from '../../shared/lambda/saga-step.ts';
import { reserveCoins, type EntrySagaState } from '../../shared/use-cases/entry-saga.ts';

/** Entry saga, ReserveCoins: takes the fee and records the reservation in one commit. */
export const handler = sagaStep<EntrySagaState>('ReserveCoins', (state, metrics) => reserveCoins(repositories(), state, metrics));
