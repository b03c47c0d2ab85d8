import { repositories } from '../../shared/adapters/repositories.ts';
import { sagaStep } from '../../shared/lambda/saga-step.ts';
import { confirmReservation, type EntrySagaState } from '../../shared/use-cases/entry-saga.ts';

/** Entry saga, ConfirmReservation: marks the entry done. */
export const handler = sagaStep<EntrySagaState>('ConfirmReservation', (state, metrics) => confirmReservation(repositories(), state, metrics));
