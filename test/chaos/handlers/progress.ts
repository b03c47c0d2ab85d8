import { gameRules } from '../../../shared/domain/game-rules.ts';
import { codeOf, statusOf, type Allowance } from '../check-responses.ts';
import type { OpContext } from '../executor.ts';
import type { Outcome } from '../http.ts';
import type { Op, ProgressSend } from '../ops.ts';

const PROGRESS = 'POST /users/me/progress';

/** `POST /users`, possibly several at once: one profile, one grant, the same body for all. */
export async function runCreatePlayer(ctx: OpContext, op: Extract<Op, { kind: 'createPlayer' }>): Promise<void> {
  const player = ctx.model.player(op.p);
  const createdBefore = player.created;
  const body = { displayName: `Chaos ${op.p}` };
  const outcomes = await Promise.all(Array.from({ length: op.taps }, () => ctx.api(op.p, 'POST', '/users', { body })));
  for (const outcome of outcomes) {
    ctx.judge('POST /users', outcome);
    if (outcome.ok && (outcome.status === 201 || outcome.status === 200)) player.created = true;
  }
  // 201 means "granted the starting coins now": at most once per player, ever.
  const created = outcomes.filter((o) => statusOf(o) === 201).length;
  if (created > 1 || (created === 1 && createdBefore)) {
    ctx.violations.add('profile.created-twice', `${player.username}: 201 ${created} time(s)${createdBefore ? ' after an earlier create' : ''}`, ctx.index);
  }
}

/**
 * Sends one progress delivery and records what it was told. A 200 must show the gain's coins and,
 * for a key already answered, the first answer again (a replay, never a second payment).
 */
export async function sendProgress(ctx: OpContext, p: number, send: ProgressSend, allowance: Allowance = {}): Promise<Outcome> {
  const player = ctx.model.player(p);
  const request = player.progressSent(send.inc, send.key);
  const outcome = await ctx.api(p, 'POST', '/users/me/progress', {
    body: { levelIncrease: send.inc },
    ...(send.key ? { headers: { 'Idempotency-Key': send.key } } : {}),
  });
  ctx.judge(PROGRESS, outcome, allowance);
  if (outcome.ok && outcome.status === 200) {
    const ack = outcome.json as { level: number; coins: number; coinsEarned: number };
    const otherBody = request.incs.size > 1;
    if (!otherBody && ack.coinsEarned !== send.inc * gameRules.profile.coinsPerLevel) {
      ctx.violations.add('progress.coins', `${player.username} +${send.inc}: coinsEarned ${ack.coinsEarned}`, ctx.index);
    }
    if (request.ack && JSON.stringify(request.ack) !== JSON.stringify(ack)) {
      ctx.violations.add(
        'progress.replay',
        `${player.username} key ${send.key}: answered ${JSON.stringify(ack)}, first ${JSON.stringify(request.ack)}`,
        ctx.index,
      );
    }
    request.ack ??= ack;
  }
  const code = codeOf(outcome);
  if (code === 'IDEMPOTENCY_IN_PROGRESS' && !send.key) {
    ctx.violations.add('progress.in-progress-without-key', `${player.username}: 409 IDEMPOTENCY_IN_PROGRESS without a key`, ctx.index);
  }
  if (code === 'IDEMPOTENCY_KEY_REUSED' && request.incs.size < 2) {
    ctx.violations.add('progress.key-reused', `${player.username} key ${send.key}: 422 with the key's only body`, ctx.index);
  }
  return outcome;
}

/** Deliveries in turn or at once: duplicates (the same key again) and late, reordered retries. */
export async function runLevelUp(ctx: OpContext, op: Extract<Op, { kind: 'levelUp' }>): Promise<void> {
  if (op.concurrent) await Promise.all(op.sends.map((send) => sendProgress(ctx, op.p, send)));
  else for (const send of op.sends) await sendProgress(ctx, op.p, send);
}

/** A key with another body: once the first body's answer was recorded, 422 and nothing changes. */
export async function runReuseKey(ctx: OpContext, op: Extract<Op, { kind: 'reuseKey' }>): Promise<void> {
  const request = ctx.model.player(op.p).requests.get(op.key);
  const firstWasRecorded = request?.ack !== undefined && !request.incs.has(op.inc);
  const outcome = await sendProgress(ctx, op.p, { inc: op.inc, key: op.key });
  if (firstWasRecorded && statusOf(outcome) === 200) {
    ctx.violations.add('progress.key-reused', `key ${op.key} was answered for another body, yet +${op.inc} got 200`, ctx.index);
  }
}
