import { sagaStep } from '../../shared/lambda/saga-step.ts';
import { joinGroup, type EntrySagaState } from '../../shared/use-cases/entry-saga.ts';
import { sagaDeps } from './deps.ts';

/** Entry saga, JoinGroup: seats the player in a group of at most 35. */
export const handler = sagaStep<EntrySagaState>((state) => joinGroup(sagaDeps(), state));
