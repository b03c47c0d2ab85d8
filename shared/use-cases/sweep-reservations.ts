import { previousTournamentId, tournamentIdOn } from '../domain/tournament.ts';
import type { EntryRepository } from '../adapters/dynamo/entry-repository.ts';
import type { MemberRepository } from '../adapters/dynamo/member-repository.ts';
import { metrics, noMetrics, type MetricsRecorder } from '../adapters/metrics.ts';
import { logger } from '../adapters/observability.ts';
import type { Leaderboards } from '../adapters/redis/leaderboards.ts';
import type { Entry } from '../domain/entry.ts';

export interface SweepDeps {
  readonly entries: EntryRepository;
  readonly members: MemberRepository;
  readonly boards: Leaderboards;
}

export interface SweepReport {
  readonly refunded: number;
  readonly confirmed: number;
  /** Joined entries left for the next sweep: their group board could not be written (Redis down). */
  readonly deferred: number;
}

/**
 * Settles every reservation a saga left unsettled past its expiry: a player who is in no group
 * gets the fee back, a player who is in one is confirmed. Both moves are conditional, so a saga
 * still running (or a second sweeper) can never make a player pay twice or lose their seat.
 * A saga that died after its join may not have shown the member on the group board: the
 * sweeper shows it first and confirms only then, so a board is never left without a member.
 */
export async function sweepReservations(deps: SweepDeps, at: Date, recorder: MetricsRecorder = noMetrics): Promise<SweepReport> {
  const { entries } = deps;
  // A reservation made just before midnight belongs to yesterday's tournament.
  const today = tournamentIdOn(at);
  const tournamentIds = [today, previousTournamentId(today)];
  let refunded = 0;
  let confirmed = 0;
  let deferred = 0;
  for (const tournamentId of tournamentIds) {
    for await (const entry of entries.expired(tournamentId, at)) {
      if (entry.status === 'RESERVED' && (await entries.refund(entry.userId, tournamentId, at)) === 'refunded') refunded++;
      if (entry.status !== 'JOINED') continue;
      if (!(await showJoinedMember(deps, entry))) deferred++;
      else if (await entries.confirm(entry.userId, tournamentId, at)) confirmed++;
    }
  }
  recorder.record(metrics.reservationsRefunded, refunded);
  recorder.record(metrics.reservationsConfirmed, confirmed);
  return { refunded, confirmed, deferred };
}

/** Puts a joined member on its group board at 0 points (a raise: a later score stays); false if Redis failed. */
async function showJoinedMember(deps: SweepDeps, entry: Entry): Promise<boolean> {
  const member = entry.groupId ? await deps.members.get(entry.tournamentId, entry.groupId, entry.userId) : undefined;
  if (!member) return true; // nothing to show (cannot happen for a JOINED entry: the join writes both)
  try {
    await deps.boards.addMember(member);
    return true;
  } catch (error) {
    logger.warn('could not show a joined member on its group board; the next sweep tries again', { error: error as Error, userId: entry.userId });
    return false;
  }
}
