import { tournamentIdOn } from '../domain/tournament.ts';
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
  saga: EntrySagaRunner,
  input: { userId: string; now: Date },
): Promise<{ created: boolean; entry: EntryView }> {
  const state: EntrySagaState = {
    userId: input.userId,
    tournamentId: tournamentIdOn(input.now),
    requestedAt: input.now.toISOString(),
  };
  const run = await saga.run(state);
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
  // Compensated (fee refunded) or left for the sweeper to settle; a retry never charges twice.
  throw new ApiError('SERVICE_UNAVAILABLE', 'the entry could not be completed now; retry (a retry never charges twice)');
}
