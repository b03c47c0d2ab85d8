import { groupRanges, previousTournamentId, tournamentIdOn } from '../domain/tournament.ts';
import type { GroupRepository } from '../adapters/dynamo/group-repository.ts';
import type { MemberRepository } from '../adapters/dynamo/member-repository.ts';
import type { TournamentRepository } from '../adapters/dynamo/tournament-repository.ts';
import type { UserRepository } from '../adapters/dynamo/user-repository.ts';
import type { Leaderboards } from '../adapters/redis/leaderboards.ts';

/*
 * Rebuilding the Redis boards from DynamoDB, the source of truth, in pieces that each fit in one
 * invocation, so a workflow (or the in-process job) can run them in parallel and resume them:
 *
 * - global: boards.beginGlobalRebuild(), then rebuildGlobalSegment for every segment of a
 *   parallel scan until each is done, then boards.commitGlobalRebuild() (an atomic swap).
 * - groups: rebuildGroupBoards for batches of groups (each group replaced atomically).
 */

export interface GlobalSegmentSlice {
  /** This segment of the scan (0-based) out of `totalSegments`. */
  readonly segment: number;
  readonly totalSegments: number;
  /** Where the previous slice of this segment stopped; absent for the first. */
  readonly exclusiveStartKey?: Record<string, unknown>;
  /** Scan pages (up to 1 MB each) to read in this slice: bounds its duration. */
  readonly maxPages: number;
}

export interface GlobalSegmentProgress {
  /** The segment has been read to its end. */
  readonly done: boolean;
  /** Pass it back as the next slice's `exclusiveStartKey` while not done. */
  readonly exclusiveStartKey?: Record<string, unknown>;
  /** Players added to the rebuild by this slice. */
  readonly players: number;
}

/** One bounded slice of one segment of the profiles' scan, into the global rebuild. */
export async function rebuildGlobalSegment(
  users: UserRepository,
  boards: Leaderboards,
  slice: GlobalSegmentSlice,
): Promise<GlobalSegmentProgress> {
  let exclusiveStartKey = slice.exclusiveStartKey;
  let players = 0;
  for (let page = 0; page < slice.maxPages; page += 1) {
    const { profiles, lastEvaluatedKey } = await users.scanProfiles({ segment: slice.segment, totalSegments: slice.totalSegments, exclusiveStartKey });
    await boards.addToGlobalRebuild(
      profiles.map((p) => ({ userId: p.userId, displayName: p.displayName, value: p.level, reachedAt: p.levelReachedAt })),
    );
    players += profiles.length;
    exclusiveStartKey = lastEvaluatedKey;
    if (!exclusiveStartKey) return { done: true, players };
  }
  return { done: false, exclusiveStartKey, players };
}

/** Replaces the given group boards of a tournament with their members' scores from DynamoDB. */
export async function rebuildGroupBoards(
  deps: { members: MemberRepository; boards: Leaderboards },
  tournamentId: string,
  groupIds: readonly string[],
): Promise<{ groups: number; members: number }> {
  let members = 0;
  for (const groupId of groupIds) {
    await deps.boards.rebuildGroup(tournamentId, groupId, async () => {
      const group = await deps.members.ofGroup(tournamentId, groupId);
      members += group.length;
      return group.map((m) => ({ userId: m.userId, displayName: m.displayName, value: m.score, reachedAt: m.scoreReachedAt }));
    });
  }
  return { groups: groupIds.length, members };
}

/** Segments of the profiles' parallel scan: segments read side by side, each by one Map iteration. */
const REBUILD_SEGMENTS = 16;
/** Groups rebuilt by one worker invocation (one Query and one MULTI each). */
const GROUPS_PER_REBUILD_BATCH = 50;

export interface RebuildPlan {
  readonly segments: readonly { readonly segment: number; readonly totalSegments: number; readonly players: number }[];
  readonly groupBatches: readonly { readonly tournamentId: string; readonly from: number; readonly to: number }[];
}

/**
 * BeginRebuild: opens the global rebuild (level-ups from now on raise the copy too) and plans the
 * work: the scan's segments, and batches of the group boards still shown from Redis — today's and,
 * until it is sealed, yesterday's (a sealed day's boards are served from its sealed standings).
 */
export async function beginRebuild(
  deps: { boards: Leaderboards; groups: Pick<GroupRepository, 'highestGroupNumber'>; tournaments: Pick<TournamentRepository, 'get'> },
  now: Date,
  totalSegments = REBUILD_SEGMENTS,
): Promise<RebuildPlan> {
  await deps.boards.beginGlobalRebuild();
  const today = tournamentIdOn(now);
  const yesterday = previousTournamentId(today);
  const days = (await deps.tournaments.get(yesterday))?.state === 'RUNNING' ? [yesterday, today] : [today];
  const groupBatches = [];
  for (const tournamentId of days) {
    groupBatches.push(...groupRanges(await deps.groups.highestGroupNumber(tournamentId), GROUPS_PER_REBUILD_BATCH).map((b) => ({ tournamentId, ...b })));
  }
  return { segments: Array.from({ length: totalSegments }, (_, segment) => ({ segment, totalSegments, players: 0 })), groupBatches };
}

export interface SegmentScan extends Omit<GlobalSegmentSlice, 'maxPages'> {
  /** Players added by this segment so far. */
  readonly players: number;
  readonly done?: boolean;
}

/**
 * ScanProfilesSegment: reads one segment page by page while `hasTime()` (the invocation's time
 * budget) allows, and says where to resume; the workflow calls it again until the segment is done.
 */
export async function scanSegment(users: UserRepository, boards: Leaderboards, scan: SegmentScan, hasTime: () => boolean): Promise<SegmentScan> {
  let { exclusiveStartKey, players } = scan;
  do {
    const slice = await rebuildGlobalSegment(users, boards, {
      segment: scan.segment,
      totalSegments: scan.totalSegments,
      maxPages: 1,
      ...(exclusiveStartKey ? { exclusiveStartKey } : {}),
    });
    players += slice.players;
    if (slice.done) return { segment: scan.segment, totalSegments: scan.totalSegments, players, done: true };
    exclusiveStartKey = slice.exclusiveStartKey;
  } while (hasTime());
  return { segment: scan.segment, totalSegments: scan.totalSegments, players, done: false, ...(exclusiveStartKey ? { exclusiveStartKey } : {}) };
}

/** RebuildGroupBatch: the group boards numbered from..to of a tournament, each replaced atomically. */
export async function rebuildGroupBatch(
  deps: { members: MemberRepository; groups: Pick<GroupRepository, 'inRange'>; boards: Leaderboards },
  batch: { tournamentId: string; from: number; to: number },
): Promise<{ groups: number; members: number }> {
  const existing = await deps.groups.inRange(batch.tournamentId, batch.from, batch.to, 'groupId');
  return rebuildGroupBoards(deps, batch.tournamentId, existing.map((g) => g.groupId));
}

/**
 * Every board, in this process, through the same steps the rebuild workflow runs (tests, and a
 * small stack's `npm run leaderboards:rebuild` fallback).
 */
export async function rebuildLeaderboards(
  deps: { users: UserRepository; members: MemberRepository; groups: GroupRepository; tournaments: TournamentRepository; boards: Leaderboards },
  now: Date,
  totalSegments = 4,
): Promise<{ players: number; groups: number }> {
  const plan = await beginRebuild(deps, now, totalSegments);
  const scans = await Promise.all(
    plan.segments.map(async (start) => {
      let scan: SegmentScan = start;
      while (!scan.done) scan = await scanSegment(deps.users, deps.boards, scan, () => true);
      return scan.players;
    }),
  );
  await deps.boards.commitGlobalRebuild();
  let groups = 0;
  for (const batch of plan.groupBatches) groups += (await rebuildGroupBatch(deps, batch)).groups;
  return { players: scans.reduce((a, b) => a + b, 0), groups };
}

/** Starts executions of the rebuild workflow by name (WorkflowStarter). */
export interface RebuildWorkflow {
  start(name: string, input: unknown): Promise<'started' | 'already-started'>;
}

/**
 * WatchLeaderboards (every minute, and on deploy): a global board that is not marked complete
 * (Redis restarted empty, a new cache) and is not being rebuilt gets a rebuild, without a human.
 * Until it commits, readers get 503 instead of ranks from a partial board.
 */
export async function watchLeaderboards(
  deps: { boards: Leaderboards; workflow: RebuildWorkflow },
  now: Date,
): Promise<{ state: 'complete' | 'rebuilding' | 'incomplete'; started?: string }> {
  const state = await deps.boards.globalBoardState();
  if (state !== 'incomplete') return { state };
  // One name a minute: a retried or doubled run of the same minute starts one rebuild.
  const name = `rebuild-auto-${now.toISOString().slice(0, 16).replace(/[:T]/g, '-')}`;
  await deps.workflow.start(name, {});
  return { state, started: name };
}
