import { sagaStep } from '../../shared/lambda/saga-step.ts';
import { refundReservation, type EntrySagaState } from '../../shared/use-cases/entry-saga.ts';
import { sagaDeps } from './deps.ts';

/** Entry saga, RefundReservation: the compensation: gives the fee back unless the player joined. */
export const handler = sagaStep<EntrySagaState>('RefundReservation', (state, metrics) => refundReservation(sagaDeps(), state, metrics));
