import { repositories } from '../../shared/adapters/repositories.ts';
import { sagaStep } from '../../shared/lambda/saga-step.ts';
import { validateEntry, type EntrySagaState } from '../../shared/use-cases/entry-saga.ts';

/** Entry saga, ValidateEntry: checks the tournament, the player and the entry rules. */
export const handler = sagaStep<EntrySagaState>('ValidateEntry', (state) => validateEntry(repositories(), state));
