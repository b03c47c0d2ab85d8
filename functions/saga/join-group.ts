import { sagaStep } from '../../shared/lambda/saga-step.ts';
import { joinGroup, type EntrySagaState } from '../../shared/use-cases/entry-saga.ts';
import { joinGroupDeps } from './deps.ts';

/** Entry saga, JoinGroup: seats the player in a group of at most 35. */
export const handler = sagaStep<EntrySagaState>('JoinGroup', (state) => joinGroup(joinGroupDeps(), state));
