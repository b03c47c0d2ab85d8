import { codeOf } from '../check-responses.ts';
import type { OpContext } from '../executor.ts';
import type { Op } from '../ops.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Claims of a day's reward, possibly racing each other: every 200 is the same body (the first
 * claim's), and a player whose entry was acknowledged is never told NOT_PARTICIPATING.
 */
export async function runClaim(ctx: OpContext, op: Extract<Op, { kind: 'claim' }>): Promise<void> {
  const player = ctx.model.player(op.p);
  const day = new Date(Date.parse(`${ctx.today()}T00:00:00Z`) - op.daysAgo * DAY_MS).toISOString().slice(0, 10);
  const path = `/tournaments/${day}/reward`;
  const outcomes = await Promise.all(Array.from({ length: op.taps }, () => ctx.api(op.p, 'POST', path)));
  for (const outcome of outcomes) {
    ctx.judge('POST /tournaments/{id}/reward', outcome);
    if (outcome.ok && outcome.status === 200) {
      const body = outcome.json as { tournamentId: string; rank: number; coinsEarned: number; coins: number };
      const first = player.claims.get(day);
      if (first && (first.rank !== body.rank || first.coinsEarned !== body.coinsEarned || first.coins !== body.coins)) {
        ctx.violations.add('claim.replay', `${player.username} ${day}: ${JSON.stringify(body)}, first ${JSON.stringify(first)}`, ctx.index);
      }
      if (body.tournamentId !== day) ctx.violations.add('claim.day', `${player.username}: claimed ${day}, answered ${body.tournamentId}`, ctx.index);
      if (!first) player.claims.set(day, { ...body, opIndex: ctx.index });
      player.seenEntered(day);
    }
    const code = codeOf(outcome);
    if (code === 'NOT_PARTICIPATING') {
      if (player.entry(day).acks.length > 0) {
        ctx.violations.add('entry.acked-missing', `${player.username} ${day}: claim says NOT_PARTICIPATING after the entry was acknowledged`, ctx.index);
      }
      player.seenNotEntered(day);
    }
    // The claim checks the entry before the day's end: "not ended" is said to entrants only.
    if (code === 'TOURNAMENT_NOT_ENDED') player.seenEntered(day);
  }
}
