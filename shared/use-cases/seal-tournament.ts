import pLimit from 'p-limit';
import { tournamentSealedDetail, tournamentSealedEventId, tournamentSealedType, type TournamentSealed } from '../../events/tournament-sealed.ts';
import { sealDecision, sealFanOut, sealStandings } from '../domain/seal.ts';
import { groupRanges, previousTournamentId, tournamentIdOn, windowOf } from '../domain/tournament.ts';
import type { GroupRepository } from '../adapters/dynamo/group-repository.ts';
import type { LevelUpOutbox } from '../adapters/dynamo/level-up-outbox.ts';
import type { MemberRepository } from '../adapters/dynamo/member-repository.ts';
import type { TournamentRepository } from '../adapters/dynamo/tournament-repository.ts';
import type { DomainEventPublisher } from '../adapters/event-bus.ts';
import { faultPoint, faultPoints } from '../adapters/faults.ts';
import { TransientError } from '../adapters/transient-error.ts';
import { logger } from '../adapters/observability.ts';
import { metrics, noMetrics, type MetricsRecorder } from '../adapters/metrics.ts';

/**
 * Sealing a day, as the steps of the seal workflow (a Step Functions Standard state machine):
 *
 *   CheckScores -> (wait and check again) -> PlanSeal -> SealGroups (Map over batches of groups)
 *   -> FinishSeal
 *
 * Each step is one short Lambda invocation, so no step comes near its timeout whatever the size
 * of the day, and every write is conditional, so a rerun (a retried step, a second execution)
 * skips what is sealed.
 */

export interface SealDeps {
  readonly tournaments: TournamentRepository;
  readonly groups: GroupRepository;
  readonly members: MemberRepository;
  readonly outbox: LevelUpOutbox;
}

/** The workflow's input: the day to seal and when the workflow was started. */
export interface SealRequest {
  readonly tournamentId: string;
  readonly startedAt: string;
}

export type SealCheck =
  | { readonly ready: false; readonly waitSeconds: number }
  | { readonly ready: true; readonly alreadyClosed: boolean; readonly forced: boolean; readonly unscored: number };

/** Most unscored level-up ids written into one log line when the seal goes ahead without them. */
const LOGGED_UNSCORED_IDS = 100;

/** CheckScores: is every level-up of the day scored (the drain check), or is the deadline reached? */
export async function checkScores(deps: SealDeps, request: SealRequest, now: Date): Promise<SealCheck> {
  const tournament = await deps.tournaments.get(request.tournamentId);
  if (!tournament) throw new Error(`no tournament ${request.tournamentId} to seal`);
  if (tournament.state === 'CLOSED') return { ready: true, alreadyClosed: true, forced: false, unscored: 0 };
  const endsAt = new Date(tournament.endsAt);
  const unscoredLeft = await deps.outbox.hasUnscored(request.tournamentId, endsAt);
  const decision = sealDecision({ endsAt, startedAt: new Date(request.startedAt), now, unscoredLeft });
  if (decision.action === 'wait') return { ready: false, waitSeconds: decision.seconds };
  if (!decision.forced) return { ready: true, alreadyClosed: false, forced: false, unscored: 0 };
  const stuck = await deps.outbox.allUnscored(request.tournamentId, endsAt);
  logger.error('sealing at the drain deadline with level-ups still unscored', {
    tournamentId: request.tournamentId,
    unscored: stuck.length,
    eventIds: stuck.slice(0, LOGGED_UNSCORED_IDS).map((l) => l.eventId),
  });
  return { ready: true, alreadyClosed: false, forced: true, unscored: stuck.length };
}

export interface SealPlan {
  readonly groups: number;
  /** Group-number ranges, one per SealGroups worker. */
  readonly batches: readonly { readonly from: number; readonly to: number }[];
}

/** PlanSeal: how many groups the day has (32 index queries), cut into worker batches. */
export async function planSeal(deps: Pick<SealDeps, 'groups'>, tournamentId: string): Promise<SealPlan> {
  const groups = await deps.groups.highestGroupNumber(tournamentId);
  return { groups, batches: groupRanges(groups, sealFanOut.groupsPerBatch) };
}

export interface BatchSealed {
  readonly sealed: number;
  readonly alreadySealed: number;
  readonly members: number;
  /** Coins the batch's groups pay out by their final standings (for the TournamentSealed event). */
  readonly rewardCoins: number;
}

const rewardsOf = (standings: readonly { reward: number }[]) => standings.reduce((sum, s) => sum + s.reward, 0);

/** SealGroups worker: fixes the final standings of the groups numbered from..to. */
export async function sealGroupBatch(
  deps: Omit<SealDeps, 'outbox'>,
  batch: { tournamentId: string; from: number; to: number },
  now: Date,
): Promise<BatchSealed> {
  const tournament = await deps.tournaments.getCached(batch.tournamentId);
  if (!tournament) throw new Error(`no tournament ${batch.tournamentId} to seal`);
  const limit = pLimit(sealFanOut.groupsAtOnce);
  const outcomes = await Promise.all(
    (await deps.groups.inRange(batch.tournamentId, batch.from, batch.to)).map((group) =>
      limit(async () => {
        if (group.sealedAt !== undefined) {
          return { sealed: false, members: group.standings?.length ?? 0, rewardCoins: rewardsOf(group.standings ?? []) };
        }
        const members = await deps.members.ofGroup(batch.tournamentId, group.groupId);
        // The tournament's own rewards: the rules it was created with, not today's defaults.
        const standings = sealStandings(members, tournament.rewards);
        const sealed = await deps.groups.seal(batch.tournamentId, group.groupId, standings, now);
        return { sealed, members: members.length, rewardCoins: rewardsOf(standings) };
      }),
    ),
  );
  const sealed = outcomes.filter((o) => o.sealed).length;
  return {
    sealed,
    alreadySealed: outcomes.length - sealed,
    members: outcomes.reduce((sum, o) => sum + o.members, 0),
    rewardCoins: outcomes.reduce((sum, o) => sum + o.rewardCoins, 0),
  };
}

export interface SealResult {
  readonly tournamentId: string;
  readonly closed: boolean;
  readonly groups: number;
  readonly members: number;
  /** Level-ups of the day that were still unscored when the deadline forced the seal. */
  readonly unscored: number;
  /** The TournamentSealed event's id (its dedupe key), published on the game's bus. */
  readonly eventId: string;
}

/**
 * FinishSeal: every group is sealed, so the tournament is CLOSED and claims open; then the day's
 * TournamentSealed event goes to the game's bus, only once the close is committed.
 *
 * A retried attempt (Step Functions retries this Task; an operator may redrive it) finds the day
 * already CLOSED and publishes again: the event is built from what is committed (the first
 * close's time, the tournament's own reward table) and from the step's input, which a retry gets
 * unchanged, so every publication carries the same detail and the same `eventId` for consumers
 * to dedupe on.
 */
export async function finishSeal(
  deps: Pick<SealDeps, 'tournaments'> & { readonly events: DomainEventPublisher },
  input: { tournamentId: string; check: SealCheck; batches: readonly BatchSealed[] },
  now: Date,
  recorder: MetricsRecorder = noMetrics,
): Promise<SealResult> {
  const closed = await deps.tournaments.close(input.tournamentId, now);
  const record = await deps.tournaments.getClosed(input.tournamentId);
  if (!record) throw new Error(`tournament ${input.tournamentId} is not closed after FinishSeal's close`);
  const groups = input.batches.reduce((sum, b) => sum + b.sealed + b.alreadySealed, 0);
  const members = input.batches.reduce((sum, b) => sum + b.members, 0);
  const unscored = input.check.ready ? input.check.unscored : 0;
  const detail: TournamentSealed = tournamentSealedDetail.parse({
    eventId: tournamentSealedEventId(input.tournamentId),
    tournamentId: input.tournamentId,
    sealedAt: record.closedAt,
    groups,
    entrants: members,
    rewards: { totalCoins: input.batches.reduce((sum, b) => sum + b.rewardCoins, 0), table: record.tournament.rewards },
    levelUpsLeftUnscored: unscored,
  });
  await publishSealed(deps.events, detail);
  const result: SealResult = { tournamentId: input.tournamentId, closed, groups, members, unscored, eventId: detail.eventId };
  logger.info('tournament sealed', { ...result });
  // Once per day, by the attempt that closed it: a retry after the close is not a second seal.
  if (closed) {
    recorder.record(metrics.tournamentsSealed, 1);
    recorder.record(metrics.sealDuration, Math.max(0, now.getTime() - windowOf(input.tournamentId).endsAt.getTime()));
    recorder.record(metrics.groupsSealed, input.batches.reduce((sum, b) => sum + b.sealed, 0));
    recorder.record(metrics.levelUpsLeftUnscored, unscored);
  }
  return result;
}

/**
 * Puts the day's TournamentSealed on the bus. The day is CLOSED by now, and no later step or
 * run publishes it (a second seal execution of the day stops at AlreadyClosed): only a retry of
 * this step does. So every failure here leaves as a TransientError, the error the Task's Retry
 * policy retries (4 attempts, 2-16 s apart); when they are spent the execution fails
 * (SealWorkflowFailed pages) and a redrive runs this step again.
 */
async function publishSealed(events: DomainEventPublisher, detail: TournamentSealed): Promise<void> {
  try {
    await faultPoint(faultPoints.finishSealAfterCommit);
    await events.publish({ ...tournamentSealedType, detail });
    await faultPoint(faultPoints.finishSealAfterPublish);
  } catch (error) {
    if (error instanceof TransientError) throw error;
    throw new TransientError(`day ${detail.tournamentId} is sealed but its TournamentSealed event is not confirmed: ${String(error)}`, { cause: error });
  }
}

/** How long after a day's end its seal may take before someone is paged (01:00 UTC). */
const SEAL_DEADLINE_MS = 60 * 60 * 1000;

export type SealStart = 'started' | 'already-started' | 'already-closed' | 'missing';

/** The execution name of a day's seal: one per day, so a second start changes nothing. */
const sealExecutionName = (tournamentId: string) => `seal-${tournamentId}`;

/** Starts executions of the seal workflow by name (WorkflowStarter). */
export interface SealWorkflow {
  start(name: string, request: SealRequest): Promise<'started' | 'already-started'>;
}

/**
 * The close schedule (00:00 UTC): starts the seal of yesterday's tournament. A second start (a
 * retry, a replay, a redeploy's trigger) finds the execution of that name and changes nothing.
 */
export async function startSealOfDayBefore(
  deps: { tournaments: TournamentRepository; workflow: SealWorkflow },
  at: Date,
  now: Date,
  recorder: MetricsRecorder = noMetrics,
): Promise<{ tournamentId: string; outcome: SealStart }> {
  const tournamentId = previousTournamentId(tournamentIdOn(at));
  const tournament = await deps.tournaments.get(tournamentId);
  if (tournament?.state === 'CLOSED') return { tournamentId, outcome: 'already-closed' };
  // The 01:00 and 02:00 runs are the seal's deadline check: the day should be sealed by now
  // (about 2 minutes after midnight), so this is the "yesterday not sealed" alarm's signal.
  if (at.getTime() - windowOf(tournamentId).endsAt.getTime() >= SEAL_DEADLINE_MS) recorder.record(metrics.daysUnsealedAtDeadline, 1);
  if (!tournament) return { tournamentId, outcome: 'missing' };
  const request: SealRequest = { tournamentId, startedAt: now.toISOString() };
  return { tournamentId, outcome: await deps.workflow.start(sealExecutionName(tournamentId), request) };
}
