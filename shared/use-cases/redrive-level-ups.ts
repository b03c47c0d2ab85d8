import { OUTBOX_RETENTION_DAYS, type OutboxListing } from '../adapters/dynamo/items/level-up.ts';
import { logger } from '../adapters/observability.ts';
import { previousTournamentId, tournamentIdOn, windowOf } from '../domain/tournament.ts';
import { scoreLevelUp, type ScoreDeps } from './score-level-up.ts';

/** Both kinds of outbox items wait for the consumer: level-ups to score, arrivals to place on the global board. */
const OUTBOX_LISTINGS: readonly OutboxListing[] = ['levelUps', 'arrivals'];

/** Level-ups scored by one invocation at most: well inside the job's timeout at DynamoDB's latency. */
const MAX_PER_RUN = 500;

/**
 * The redrive of level-ups that never got scored (their messages dead-lettered): straight from the
 * outbox, the source of truth, rather than from the dead-letter queue. Each unscored level-up and
 * each arrival not yet on the global board, of the days the outbox still holds (today and the 7
 * before it: an operator may redrive days after the messages dead-lettered), is scored as the
 * consumer would (idempotent: scoring twice changes nothing). Bounded per run; `remaining` says
 * whether to run it again. A day already sealed keeps its sealed standings: a late score still
 * moves the player's member score and the global board.
 */
export async function redriveUnscoredLevelUps(deps: ScoreDeps, now: Date): Promise<{ scored: number; remaining: boolean }> {
  let scored = 0;
  for (const tournamentId of outboxDays(now)) {
    const until = windowOf(tournamentId).endsAt;
    for (const listing of OUTBOX_LISTINGS) {
      for await (const levelUp of deps.outbox.unscored(tournamentId, until, listing)) {
        if (scored >= MAX_PER_RUN) return { scored, remaining: true };
        await scoreLevelUp(deps, levelUp, now);
        scored++;
      }
    }
  }
  logger.info('unscored level-ups redriven', { scored });
  return { scored, remaining: false };
}

/** The days whose level-ups the outbox still holds, oldest first (16 index queries per listing). */
function outboxDays(now: Date): string[] {
  const days = [tournamentIdOn(now)];
  while (days.length <= OUTBOX_RETENTION_DAYS) days.unshift(previousTournamentId(days[0]!));
  return days;
}
