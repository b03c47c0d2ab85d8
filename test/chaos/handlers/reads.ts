import { setTimeout as sleep } from 'node:timers/promises';
import { GLOBAL_TOP_TTL_MS } from '../../../shared/use-cases/global-first-pages.ts';
import { codeOf } from '../check-responses.ts';
import type { OpContext } from '../executor.ts';
import type { Op } from '../ops.ts';
import type { MemberRow } from '../table-reader.ts';

/**
 * Reads during the run, held against DynamoDB read just before and just after (nothing else of
 * this player runs meanwhile): a board may lag behind a score, never show one that is not there,
 * and never miss a member or player DynamoDB already had (a partial board).
 */
export async function runRead(ctx: OpContext, op: Extract<Op, { kind: 'read' }>): Promise<void> {
  switch (op.what) {
    case 'groupBoard':
    case 'rank':
      return readGroup(ctx, op.p, op.what);
    case 'global':
      return readGlobal(ctx, op.p);
    case 'globalMe':
      return readGlobalMe(ctx, op.p);
    case 'me':
      return readMe(ctx, op.p);
    case 'history':
      return readHistory(ctx, op.p);
  }
}

const ids = (members: readonly { userId: string }[]) => new Set(members.map((m) => m.userId));
const missing = (from: Set<string>, of: Set<string>) => [...from].filter((id) => !of.has(id));

async function readGroup(ctx: OpContext, p: number, what: 'groupBoard' | 'rank'): Promise<void> {
  const player = ctx.model.player(p);
  const tournamentId = ctx.today();
  await ctx.signIn(p); // the player's sub is known from here on
  const route = what === 'groupBoard' ? '/tournaments/current/leaderboard' : '/tournaments/current/rank';
  const probe = player.sub ? await ctx.table.entry(player.sub, tournamentId) : undefined;
  const seated = probe && (probe.status === 'JOINED' || probe.status === 'CONFIRMED') ? probe.groupId : undefined;
  const before: MemberRow[] = seated ? await ctx.table.membersOf(tournamentId, seated) : [];
  const outcome = await ctx.api(p, 'GET', route);
  ctx.judge(`GET ${route}`, outcome);
  const code = codeOf(outcome);
  if (code === 'NOT_PARTICIPATING') {
    if (seated) ctx.violations.add('entry.acked-missing', `${player.username} ${tournamentId}: ${route} says NOT_PARTICIPATING, DynamoDB seats them in ${seated}`, ctx.index);
    if (player.entry(tournamentId).acks.length > 0) {
      ctx.violations.add('entry.acked-missing', `${player.username} ${tournamentId}: ${route} says NOT_PARTICIPATING after the entry was acknowledged`, ctx.index);
    }
    return;
  }
  if (!outcome.ok || outcome.status !== 200) return;
  player.seenEntered(tournamentId);
  const groupId = outcome.json.groupId ?? seated;
  const after = groupId ? await ctx.table.membersOf(tournamentId, groupId) : [];
  const scoreAfter = new Map(after.map((m) => [m.userId, m.score]));
  if (what === 'rank') {
    const { rank, score, groupSize } = outcome.json as { rank: number; score: number; groupSize: number };
    if (groupSize < before.length || groupSize > after.length) {
      ctx.violations.add('board.partial', `${player.username} rank: groupSize ${groupSize}, DynamoDB has ${before.length}..${after.length} members`, ctx.index);
    }
    if (rank < 1 || rank > groupSize) ctx.violations.add('board.rank', `${player.username}: rank ${rank} of ${groupSize}`, ctx.index);
    const mine = player.sub ? scoreAfter.get(player.sub) : undefined;
    if (mine !== undefined && score > mine) ctx.violations.add('board.ahead', `${player.username}: rank shows score ${score}, DynamoDB ${mine}`, ctx.index);
    return;
  }
  const board = outcome.json as { groupId: string; entries: { rank: number; userId: string; score: number }[] };
  if (seated && board.groupId !== seated) ctx.violations.add('board.group', `${player.username}: board of ${board.groupId}, seated in ${seated}`, ctx.index);
  const shown = ids(board.entries);
  const absent = missing(ids(before), shown);
  if (absent.length > 0) {
    ctx.violations.add('board.partial', `${player.username} ${tournamentId}/${board.groupId}: board of ${shown.size} misses ${absent.length} of DynamoDB's ${before.length} members`, ctx.index);
  }
  const extra = missing(shown, ids(after));
  if (extra.length > 0) ctx.violations.add('board.extra', `${board.groupId}: board shows ${extra.length} non-member(s)`, ctx.index);
  board.entries.forEach((entry, i) => {
    if (entry.rank !== i + 1) ctx.violations.add('board.rank', `${board.groupId}: position ${i + 1} has rank ${entry.rank}`, ctx.index);
    const truth = scoreAfter.get(entry.userId);
    if (truth !== undefined && entry.score > truth) {
      ctx.violations.add('board.ahead', `${board.groupId}: board score ${entry.score} above DynamoDB's ${truth}`, ctx.index);
    }
  });
}

async function readGlobal(ctx: OpContext, p: number): Promise<void> {
  // A container keeps the top it last read for GLOBAL_TOP_TTL_MS (a first page may be that old):
  // the players DynamoDB had that long before the request are the ones the page must hold.
  const before = await ctx.table.profiles();
  await sleep(GLOBAL_TOP_TTL_MS);
  const outcome = await ctx.api(p, 'GET', '/leaderboards/global?limit=1000');
  ctx.judge('GET /leaderboards/global', outcome);
  if (!outcome.ok || outcome.status !== 200) return;
  const after = await ctx.table.profiles();
  const board = outcome.json as { entries: { rank: number; userId: string; level: number }[]; nextCursor?: string };
  const levelAfter = new Map(after.map((profile) => [profile.userId, profile.level]));
  if (!board.nextCursor) {
    const absent = missing(ids(before), ids(board.entries));
    if (absent.length > 0) {
      ctx.violations.add('board.global-partial', `global board of ${board.entries.length} misses ${absent.length} of DynamoDB's ${before.length} players`, ctx.index);
    }
  }
  board.entries.forEach((entry, i) => {
    if (entry.rank !== i + 1) ctx.violations.add('board.rank', `global: position ${i + 1} has rank ${entry.rank}`, ctx.index);
    const truth = levelAfter.get(entry.userId);
    if (truth === undefined) ctx.violations.add('board.extra', `global board shows ${entry.userId}, who has no profile`, ctx.index);
    else if (entry.level > truth) ctx.violations.add('board.ahead', `global board level ${entry.level} above DynamoDB's ${truth}`, ctx.index);
  });
}

async function readGlobalMe(ctx: OpContext, p: number): Promise<void> {
  const outcome = await ctx.api(p, 'GET', '/leaderboards/global/me');
  ctx.judge('GET /leaderboards/global/me', outcome);
  const sub = ctx.model.player(p).sub;
  if (!outcome.ok || outcome.status !== 200 || !sub) return;
  const profile = await ctx.table.profile(sub);
  if (profile && outcome.json.level > profile.level) {
    ctx.violations.add('board.ahead', `global/me level ${outcome.json.level} above DynamoDB's ${profile.level}`, ctx.index);
  }
}

async function readMe(ctx: OpContext, p: number): Promise<void> {
  const sub = ctx.model.player(p).sub;
  const before = sub ? await ctx.table.profile(sub) : undefined;
  const outcome = await ctx.api(p, 'GET', '/users/me');
  ctx.judge('GET /users/me', outcome);
  if (!outcome.ok || outcome.status !== 200) return;
  const after = await ctx.table.profile(outcome.json.userId);
  const { level, coins } = outcome.json as { level: number; coins: number };
  // A sweep may refund meanwhile: the answer is DynamoDB's before or after.
  const matches = [before, after].some((profile) => profile?.level === level && profile.coins === coins);
  if (!matches) {
    ctx.violations.add('profile.read', `GET /users/me: level ${level} coins ${coins}, DynamoDB ${after?.level}/${after?.coins}`, ctx.index);
  }
}

async function readHistory(ctx: OpContext, p: number): Promise<void> {
  const player = ctx.model.player(p);
  const outcome = await ctx.api(p, 'GET', '/users/me/tournaments');
  ctx.judge('GET /users/me/tournaments', outcome);
  if (!outcome.ok || outcome.status !== 200) return;
  for (const item of outcome.json.items as { tournamentId: string; groupId: string }[]) {
    const acked = player.entries.get(item.tournamentId)?.acks[0];
    if (acked && acked.groupId !== item.groupId) {
      ctx.violations.add('entry.group-changed', `${player.username} history ${item.tournamentId}: group ${item.groupId}, acknowledged ${acked.groupId}`, ctx.index);
    }
  }
  for (const [tournamentId, known] of player.entries) {
    const shown = (outcome.json.items as { tournamentId: string }[]).some((i) => i.tournamentId === tournamentId);
    if (known.acks.length > 0 && !shown && !outcome.json.nextCursor) {
      ctx.violations.add('entry.acked-missing', `${player.username}: history lacks ${tournamentId}, whose entry was acknowledged`, ctx.index);
    }
  }
}
