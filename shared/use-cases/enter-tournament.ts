import { isEntered } from '../domain/entry.ts';
import { tournamentIdOn } from '../domain/tournament.ts';
import type { EntryRepository } from '../adapters/dynamo/entry-repository.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import type { EntrySagaRunner } from '../adapters/entry-saga-runner.ts';
import { ApiError, errorCatalog, type ErrorCode } from '../http/problem.ts';
import type { EntrySagaState } from './entry-saga.ts';

export interface EntryView {
  readonly tournamentId: string;
  readonly groupId: string;
  readonly joinedAt: string;
  readonly coins: number;
}

/** Saga errors a client may see as they are; anything else means the entry could not be made. */
const CLIENT_ERRORS = new Set<string>(['LEVEL_TOO_LOW', 'INSUFFICIENT_COINS', 'ENTRY_CLOSED', 'NO_ACTIVE_TOURNAMENT', 'USER_NOT_FOUND']);

/** Lambda reports a failed step's Cause as JSON `{ errorMessage, errorType, ... }`. */
function messageOf(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

/**
 * Enters the caller into today's tournament by running the entry saga to its end. `created`
 * tells whether this call took the fee (201) or found the entry made before (200).
 */
export async function enterTournament(
  deps: { saga: EntrySagaRunner; entries: EntryRepository; users: UserRepository },
  input: { userId: string; now: Date },
): Promise<{ created: boolean; entry: EntryView }> {
  const state: EntrySagaState = {
    userId: input.userId,
    tournamentId: tournamentIdOn(input.now),
    requestedAt: input.now.toISOString(),
  };
  const run = await deps.saga.run(state);
  if (run.status === 'SUCCEEDED') {
    const out = run.output as EntrySagaState;
    return {
      created: out.charged === true,
      entry: { tournamentId: out.tournamentId, groupId: out.groupId!, joinedAt: out.joinedAt!, coins: out.coins! },
    };
  }
  if (run.error && CLIENT_ERRORS.has(run.error)) {
    throw new ApiError(run.error as ErrorCode, messageOf(run.cause) ?? errorCatalog[run.error as ErrorCode].title);
  }
  return answerAfterFailedSaga(deps, state);
}

/** How long a client should wait before retrying an entry the sweeper may still be settling. */
const SETTLING_RETRY_AFTER_SECONDS = 5;

/**
 * The saga failed, but a step may have committed before it did (a seat taken, then a failure):
 * the answer says what the entry item says, not what the saga hoped. Seated: the entry, as a
 * success (201 if this request's reservation paid for it). Reserved, unsettled: 503 with
 * Retry-After, the sweeper settles it and a retry never charges twice. Otherwise nothing was
 * charged: 503.
 */
async function answerAfterFailedSaga(
  deps: { entries: EntryRepository; users: UserRepository },
  state: EntrySagaState,
): Promise<{ created: boolean; entry: EntryView }> {
  const entry = await deps.entries.get(state.userId, state.tournamentId);
  if (isEntered(entry)) {
    const profile = await deps.users.get(state.userId, { consistent: true });
    return {
      created: entry.reservedAt === state.requestedAt,
      entry: { tournamentId: entry.tournamentId, groupId: entry.groupId, joinedAt: entry.joinedAt!, coins: profile?.coins ?? 0 },
    };
  }
  if (entry?.status === 'RESERVED') {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'your entry fee is reserved and the entry is being completed; retry in a few seconds (a retry never charges twice)',
      undefined,
      SETTLING_RETRY_AFTER_SECONDS,
    );
  }
  throw new ApiError('SERVICE_UNAVAILABLE', 'the entry could not be completed now; nothing was charged; retry', undefined, SETTLING_RETRY_AFTER_SECONDS);
}
