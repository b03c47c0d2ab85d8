import { compareLevelStandings, rankGroup } from '../../shared/domain/ranking.ts';
import { windowOf } from '../../shared/domain/tournament.ts';
import type { OpContext } from './executor.ts';
import type { MemberRow, TableSnapshot } from './table-reader.ts';

/** Boards heal on their own (a repair on read, the watcher's rebuild): a bound on waiting for it. */
const HEAL_WAIT_MS = 60_000;

interface GroupEntry {
  readonly rank: number;
  readonly userId: string;
  readonly displayName: string;
  readonly score: number;
}

/**
 * After settling, every board served over HTTP equals DynamoDB: each group board (its sealed
 * standings once its day is over and sealed, else its members ranked by the rules), each
 * member's rank, the global board (every player by level) and each player's global rank. A 503
 * with Retry-After is waited out within a bound; a board still different then is a violation.
 */
export async function checkBoards(ctx: OpContext, snapshot: TableSnapshot, now: Date): Promise<void> {
  const byGroup = new Map<string, MemberRow[]>();
  for (const m of snapshot.members) byGroup.set(`${m.tournamentId}/${m.groupId}`, [...(byGroup.get(`${m.tournamentId}/${m.groupId}`) ?? []), m]);
  for (const [id, members] of byGroup) {
    const [tournamentId] = id.split('/') as [string];
    const group = snapshot.groups.find((g) => `${g.tournamentId}/${g.groupId}` === id);
    const ended = now.getTime() > windowOf(tournamentId).endsAt.getTime();
    const expected: GroupEntry[] =
      ended && group?.standings
        ? group.standings.map(({ rank, userId, displayName, score }) => ({ rank, userId, displayName, score }))
        : rankGroup(members).map(({ rank, userId, displayName, score }) => ({ rank, userId, displayName, score }));
    await checkGroupBoard(ctx, id, tournamentId, expected);
  }
  await checkGlobalBoard(ctx, snapshot);
}

/** The player index of a user, for calls as them. */
function indexOf(ctx: OpContext, userId: string): number | undefined {
  return ctx.model.bySub(userId)?.index;
}

async function checkGroupBoard(ctx: OpContext, id: string, tournamentId: string, expected: GroupEntry[]): Promise<void> {
  const reader = indexOf(ctx, expected[0]!.userId);
  if (reader === undefined) return;
  const want = JSON.stringify(expected);
  let got = '';
  const deadline = Date.now() + HEAL_WAIT_MS;
  do {
    const outcome = await ctx.api(reader, 'GET', `/tournaments/${tournamentId}/leaderboard`);
    ctx.judge('GET /tournaments/{id}/leaderboard', outcome);
    got = outcome.ok && outcome.status === 200 ? JSON.stringify(outcome.json.entries) : `${outcome.ok ? outcome.status : outcome.error}`;
    if (got === want) break;
    await new Promise((r) => setTimeout(r, 500));
  } while (Date.now() < deadline);
  if (got !== want) ctx.violations.add('board.group-final', `${id}: ${difference(got, want)}`);

  for (const entry of expected) {
    const player = indexOf(ctx, entry.userId);
    if (player === undefined) continue;
    const outcome = await ctx.api(player, 'GET', `/tournaments/${tournamentId}/rank`);
    ctx.judge('GET /tournaments/{id}/rank', outcome);
    const want = { rank: entry.rank, score: entry.score, groupSize: expected.length };
    if (!outcome.ok || outcome.status !== 200 || JSON.stringify(outcome.json) !== JSON.stringify(want)) {
      ctx.violations.add('board.rank-final', `${id}: ${ctx.model.players[player]!.username} rank ${outcome.ok ? outcome.text : outcome.error}, DynamoDB ${JSON.stringify(want)}`);
    }
  }
}

async function checkGlobalBoard(ctx: OpContext, snapshot: TableSnapshot): Promise<void> {
  const expected = [...snapshot.profiles]
    .sort(compareLevelStandings)
    .map((p, i) => ({ rank: i + 1, userId: p.userId, displayName: p.displayName, level: p.level }));
  const reader = expected.map((e) => indexOf(ctx, e.userId)).find((i) => i !== undefined);
  if (reader === undefined) return;
  const want = JSON.stringify(expected);
  let got = '';
  let nudged = false;
  const deadline = Date.now() + HEAL_WAIT_MS;
  do {
    const outcome = await ctx.api(reader, 'GET', '/leaderboards/global?limit=1000');
    ctx.judge('GET /leaderboards/global', outcome);
    got = outcome.ok && outcome.status === 200 ? JSON.stringify(outcome.json.entries) : `${outcome.ok ? outcome.status : outcome.error}`;
    if (got === want) break;
    if (outcome.ok && outcome.status === 503 && !nudged) {
      // The watcher runs every minute of the local clock; run it now rather than move the clock.
      await ctx.control('POST', '/_local/jobs/watch-leaderboards');
      nudged = true;
    }
    await new Promise((r) => setTimeout(r, 500));
  } while (Date.now() < deadline);
  if (got !== want) ctx.violations.add('board.global-final', `global board: ${difference(got, want)}`);

  for (const entry of expected) {
    const player = indexOf(ctx, entry.userId);
    if (player === undefined) continue;
    const outcome = await ctx.api(player, 'GET', '/leaderboards/global/me');
    ctx.judge('GET /leaderboards/global/me', outcome);
    const want = { rank: entry.rank, level: entry.level };
    if (!outcome.ok || outcome.status !== 200 || JSON.stringify(outcome.json) !== JSON.stringify(want)) {
      ctx.violations.add('board.global-me-final', `${ctx.model.players[player]!.username}: global/me ${outcome.ok ? outcome.text : outcome.error}, DynamoDB ${JSON.stringify(want)}`);
    }
  }
}

/** Where two boards first differ, in a line (their sizes, then the first row that differs). */
function difference(got: string, want: string): string {
  const rows = (json: string): Record<string, unknown>[] | undefined => {
    try {
      const parsed = JSON.parse(json);
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  };
  const served = rows(got);
  const truth = rows(want)!;
  if (!served) return `answered ${got.slice(0, 100)}, DynamoDB has ${truth.length} rows`;
  const at = truth.findIndex((row, i) => JSON.stringify(row) !== JSON.stringify(served[i]));
  const where = at < 0 ? served.length : at;
  const show = (row: Record<string, unknown> | undefined) =>
    row ? `${String(row['userId']).slice(0, 8)} ${row['displayName']} ${row['score'] ?? row['level']}` : 'nothing';
  return `served ${served.length} rows, DynamoDB ${truth.length}; position ${where + 1}: served ${show(served[where])}, DynamoDB ${show(truth[where])}`;
}
