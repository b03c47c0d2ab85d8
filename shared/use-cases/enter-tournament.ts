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

/** An entry's answer: `created` when this call took the fee (201), else an entry made before (200). */
export interface EntryAnswer {
  readonly created: boolean;
  readonly entry: EntryView;
}

/** What identifies an entry, and so its duplicates: the player and the tournament of the request's day. */
export const entryKeyOf = (input: { userId: string; now: Date }) => ({ userId: input.userId, tournamentId: tournamentIdOn(input.now) });

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
 * Time kept, out of what the function has left, to read the entry and answer when the saga's own
 * answer has not come: a few consistent reads take milliseconds; the rest is a margin for a busy
 * container, so the function always answers before Lambda stops it.
 */
export const ANSWER_MARGIN_MS = 3_000;

/**
 * Enters the caller into today's tournament by running the entry saga to its end. `created`
 * tells whether this call took the fee (201) or found the entry made before (200).
 * `remainingMs`: how long the function has left; the wait for the saga ends in time to answer.
 */
export async function enterTournament(
  deps: { saga: EntrySagaRunner; entries: EntryRepository; users: UserRepository },
  input: { userId: string; now: Date; remainingMs: number },
): Promise<EntryAnswer> {
  const state: EntrySagaState = {
    ...entryKeyOf(input),
    requestedAt: input.now.toISOString(),
  };
  const run = await deps.saga.run(state, input.remainingMs - ANSWER_MARGIN_MS);
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
  return answerFromEntry(deps, state, run.status === 'UNANSWERED');
}

/**
 * A repeated entry answered from the first one's answer, without a saga: 200, as for any entry
 * made before. A seated entry never changes (a seat is never refunded; JOINED only moves to
 * CONFIRMED), so its group and time are the first answer's; only the coins are read again (one
 * consistent read), so the answer shows what the player has now, as the saga's would.
 */
export async function repeatedEntry(deps: { users: UserRepository }, userId: string, first: EntryAnswer): Promise<EntryAnswer> {
  const profile = await deps.users.get(userId, { consistent: true });
  return { created: false, entry: { ...first.entry, coins: profile?.coins ?? first.entry.coins } };
}

/** How long a client should wait before retrying an entry the sweeper may still be settling. */
const SETTLING_RETRY_AFTER_SECONDS = 5;

/**
 * The saga failed, or did not answer in time, but a step may have committed (a seat taken, then
 * a failure): the answer says what the entry item says, not what the saga hoped. Seated: the
 * entry, as a success (201 if this request's reservation paid for it). Reserved, unsettled: 503
 * with Retry-After; the saga or the sweeper settles it and a retry never charges twice. Nothing
 * yet: 503 saying nothing was charged, or, when the saga may still be running, that the entry is
 * not confirmed yet (a retry shows it, and never charges twice).
 */
async function answerFromEntry(
  deps: { entries: EntryRepository; users: UserRepository },
  state: EntrySagaState,
  sagaMayStillRun: boolean,
): Promise<EntryAnswer> {
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
  if (sagaMayStillRun) {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'your entry is not confirmed yet (it may still be made); retry in a few seconds to see it (a retry never charges twice)',
      undefined,
      SETTLING_RETRY_AFTER_SECONDS,
    );
  }
  throw new ApiError('SERVICE_UNAVAILABLE', 'the entry could not be completed now; nothing was charged; retry', undefined, SETTLING_RETRY_AFTER_SECONDS);
}
