import type { UserLeveledUp } from '../../events/user-leveled-up.ts';
import { isEntered } from '../domain/entry.ts';
import { isArrival } from '../domain/profile.ts';
import { tournamentIdOn } from '../domain/tournament.ts';
import type { EntryRepository } from '../adapters/dynamo/entry-repository.ts';
import type { LevelUpOutbox } from '../adapters/dynamo/level-up-outbox.ts';
import type { MemberRepository } from '../adapters/dynamo/member-repository.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import type { Leaderboards } from '../adapters/redis/leaderboards.ts';
import { metrics, noMetrics, type MetricsRecorder } from '../adapters/metrics.ts';

export interface ScoreDeps {
  readonly users: UserRepository;
  readonly entries: EntryRepository;
  readonly members: MemberRepository;
  readonly outbox: LevelUpOutbox;
  readonly boards: Leaderboards;
}

/**
 * Applies one level-up. DynamoDB first: for a player entered in the tournament of the level-up's
 * day, the group score (the truth), then the level-up leaves the unscored index (the close job's
 * drain check depends on DynamoDB only). Redis last: the global board and the group board. Every
 * step moves only forward, so a duplicated or reordered event changes nothing, and a retry after
 * Redis was down redoes just the boards.
 */
export async function scoreLevelUp(deps: ScoreDeps, event: UserLeveledUp, now: Date, recorder: MetricsRecorder = noMetrics): Promise<void> {
  if (isArrival(event)) return placeArrival(deps, event, now);
  const tournamentId = tournamentIdOn(new Date(event.at));
  const entry = await deps.entries.get(event.userId, tournamentId);
  const member = isEntered(entry)
    ? await deps.members.applyLevel({ tournamentId, groupId: entry.groupId, userId: event.userId, level: event.toLevel, at: event.at })
    : undefined;
  await deps.outbox.markScored(event.userId, event.toLevel, now);
  recorder.record(member ? metrics.levelUpsScored : metrics.levelUpsSkipped, 1);
  recorder.record(metrics.outboxLag, Math.max(0, now.getTime() - new Date(event.at).getTime()));

  // The global board shows the player's name: an entrant's member item carries it (copied from
  // the profile at the join; names never change), so only a player not entered costs a read.
  const displayName = member?.displayName ?? (await deps.users.get(event.userId))?.displayName;
  if (displayName !== undefined) {
    await deps.boards.setLevel({ userId: event.userId, displayName, level: event.toLevel, reachedAt: event.at });
  }
  if (member) {
    await deps.boards.setGroupScore({
      tournamentId,
      groupId: member.groupId,
      userId: member.userId,
      displayName: member.displayName,
      score: member.score,
      reachedAt: member.scoreReachedAt,
    });
  }
}

/**
 * A new player's arrival: onto the global board at their first level (never lowering a level
 * they have passed since), then off the outbox's listing. In that order, unlike a level-up: the
 * board is all an arrival does, so the redrive must still find it while Redis is away.
 */
async function placeArrival(deps: Pick<ScoreDeps, 'users' | 'outbox' | 'boards'>, event: UserLeveledUp, now: Date): Promise<void> {
  const profile = await deps.users.get(event.userId);
  if (profile) await deps.boards.setLevel({ userId: event.userId, displayName: profile.displayName, level: event.toLevel, reachedAt: event.at });
  await deps.outbox.markScored(event.userId, event.toLevel, now);
}
