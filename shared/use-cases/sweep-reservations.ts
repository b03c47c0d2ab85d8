import { previousTournamentId, tournamentIdOn } from '../domain/tournament.ts';
import type { EntryRepository } from '../adapters/dynamo/entry-repository.ts';
import { metrics, noMetrics, type MetricsRecorder } from '../adapters/metrics.ts';

export interface SweepReport {
  readonly refunded: number;
  readonly confirmed: number;
}

/**
 * Settles every reservation a saga left unsettled past its expiry: a player who is in no group
 * gets the fee back, a player who is in one is confirmed. Both moves are conditional, so a saga
 * still running (or a second sweeper) can never make a player pay twice or lose their seat.
 */
export async function sweepReservations(entries: EntryRepository, at: Date, recorder: MetricsRecorder = noMetrics): Promise<SweepReport> {
  // A reservation made just before midnight belongs to yesterday's tournament.
  const today = tournamentIdOn(at);
  const tournamentIds = [today, previousTournamentId(today)];
  let refunded = 0;
  let confirmed = 0;
  for (const tournamentId of tournamentIds) {
    for await (const entry of entries.expired(tournamentId, at)) {
      if (entry.status === 'RESERVED' && (await entries.refund(entry.userId, tournamentId, at)) === 'refunded') refunded++;
      if (entry.status === 'JOINED' && (await entries.confirm(entry.userId, tournamentId, at))) confirmed++;
    }
  }
  recorder.record(metrics.reservationsRefunded, refunded);
  recorder.record(metrics.reservationsConfirmed, confirmed);
  return { refunded, confirmed };
}
