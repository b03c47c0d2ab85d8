import { codeOf, type Allowance } from '../check-responses.ts';
import type { OpContext } from '../executor.ts';
import type { Outcome } from '../http.ts';
import type { Op } from '../ops.ts';
import { sendProgress } from './progress.ts';

const ENTRIES = 'POST /tournaments/current/entries';
/** Refusals by the rules: said only to a player who holds no live entry. */
const REFUSALS = new Set(['LEVEL_TOO_LOW', 'INSUFFICIENT_COINS', 'ENTRY_CLOSED', 'NO_ACTIVE_TOURNAMENT', 'USER_NOT_FOUND']);

/**
 * Records one entry answer. A 2xx is the entry (the same group on every answer, 201 at most once
 * per player and day); a refusal or a 503 shows the player not entered, which must be true.
 * `alone`: no other entry of this player was in flight, so "not entered" can be trusted as of now.
 */
async function recordEntryAnswer(ctx: OpContext, p: number, tournamentId: string, outcome: Outcome, alone: boolean): Promise<void> {
  const player = ctx.model.player(p);
  const known = player.entry(tournamentId);
  if (outcome.ok && (outcome.status === 201 || outcome.status === 200)) {
    const body = outcome.json as { tournamentId: string; groupId: string; joinedAt: string };
    const day = body.tournamentId;
    const ofDay = player.entry(day);
    const earlier = ofDay.acks[0];
    if (earlier && earlier.groupId !== body.groupId) {
      ctx.violations.add('entry.group-changed', `${player.username} ${day}: group ${body.groupId}, earlier ${earlier.groupId}`, ctx.index);
    }
    if (outcome.status === 201 && ofDay.acks.some((a) => a.status === 201)) {
      ctx.violations.add('entry.created-twice', `${player.username} ${day}: a second 201 (charged twice?)`, ctx.index);
    }
    ofDay.acks.push({ status: outcome.status, groupId: body.groupId, joinedAt: body.joinedAt, opIndex: ctx.index });
    player.seenEntered(day);
    return;
  }
  const code = codeOf(outcome);
  if (code && REFUSALS.has(code)) {
    if (known.acks.length > 0) {
      ctx.violations.add('entry.refused-entered', `${player.username} ${tournamentId}: ${code} after the entry was acknowledged`, ctx.index);
    }
    if (alone) player.seenNotEntered(tournamentId);
    return;
  }
  if (outcome.ok && outcome.status === 503 && alone && player.sub) {
    // An honest 503: the saga failed and the entry item says the player is not seated (the answer
    // after a failed saga reads it); "nothing was charged" only if nothing is.
    const entry = await ctx.table.entry(player.sub, tournamentId);
    const detail = String(outcome.json?.detail ?? '');
    if (entry && (entry.status === 'JOINED' || entry.status === 'CONFIRMED')) {
      ctx.violations.add('entry.dishonest-503', `${player.username} ${tournamentId}: 503 "${detail}" but seated in ${entry.groupId}`, ctx.index);
    } else if (entry?.status === 'RESERVED' && /nothing was charged/.test(detail)) {
      ctx.violations.add('entry.dishonest-503', `${player.username} ${tournamentId}: 503 "${detail}" but ${entry.fee} coins are reserved`, ctx.index);
    } else if (!entry || entry.status === 'REFUNDED') {
      player.seenNotEntered(tournamentId);
    }
  }
}

/** One entry request as player `p`, judged and recorded. */
export async function sendEntry(ctx: OpContext, p: number, alone: boolean, allowance: Allowance = {}): Promise<Outcome> {
  const tournamentId = ctx.today();
  const outcome = await ctx.api(p, 'POST', '/tournaments/current/entries');
  ctx.judge(ENTRIES, outcome, allowance);
  await recordEntryAnswer(ctx, p, tournamentId, outcome, alone);
  return outcome;
}

/** An entry, or a double tap (several at once: one charge, one seat, the same answer). */
export async function runEnter(ctx: OpContext, op: Extract<Op, { kind: 'enter' }>): Promise<void> {
  if (op.taps === 1) {
    await sendEntry(ctx, op.p, true);
    return;
  }
  await Promise.all(Array.from({ length: op.taps }, () => sendEntry(ctx, op.p, false)));
}

/** Many players entering at once: groups must still stop at 35. */
export async function runRush(ctx: OpContext, op: Extract<Op, { kind: 'rush' }>): Promise<void> {
  const players = [...new Set(op.players)];
  await Promise.all(players.map((p) => sendEntry(ctx, p, true)));
}

/** An entry racing a level-up of the same player: the seat records the level it was taken at. */
export async function runEnterWhileLevelling(ctx: OpContext, op: Extract<Op, { kind: 'enterWhileLevelling' }>): Promise<void> {
  await Promise.all([sendEntry(ctx, op.p, true), sendProgress(ctx, op.p, { inc: op.inc, key: op.key })]);
}
