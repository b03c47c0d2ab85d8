import { gameRules } from '../../shared/domain/game-rules.ts';
import { ARRIVAL_FROM_LEVEL, isArrival } from '../../shared/domain/profile.ts';
import type { RunModel } from './model.ts';
import type { LevelUpRow, TableSnapshot } from './table-reader.ts';
import type { Violations } from './violations.ts';

/** The run's coins, summed over every player: what the report prints. */
export interface CoinTotals {
  readonly players: number;
  readonly balances: number;
  readonly startGrants: number;
  readonly levelCoins: number;
  readonly feesCharged: number;
  readonly rewardsPaid: number;
}

const { startCoins, startLevel, coinsPerLevel } = gameRules.profile;

/**
 * Every coin accounted for, per player and in total: coins = start grant + level coins for the
 * levels gained - fees of entries not refunded + rewards claimed, all as DynamoDB has them. The
 * level is held against the outbox (one LEVELUP item per applied level-up, a contiguous chain
 * from the start level), and the applied level-ups against what the runner sent and was told.
 */
export function checkCoins(snapshot: TableSnapshot, model: RunModel, violations: Violations): CoinTotals {
  const totals = { players: 0, balances: 0, startGrants: 0, levelCoins: 0, feesCharged: 0, rewardsPaid: 0 };
  for (const profile of snapshot.profiles) {
    const { userId } = profile;
    const fees = snapshot.entries.filter((e) => e.userId === userId && e.status !== 'REFUNDED').reduce((sum, e) => sum + e.fee, 0);
    const rewards = snapshot.members.filter((m) => m.userId === userId && m.claimedAt !== undefined).reduce((sum, m) => sum + (m.reward ?? 0), 0);
    const levelCoins = (profile.level - startLevel) * coinsPerLevel;
    const expected = startCoins + levelCoins - fees + rewards;
    const name = model.bySub(userId)?.username ?? userId;
    if (profile.coins !== expected) {
      violations.add(
        'coins.balance',
        `${name}: ${profile.coins} coins, expected ${expected} = ${startCoins} start + ${levelCoins} for level ${profile.level} - ${fees} fees + ${rewards} rewards`,
      );
    }
    totals.players++;
    totals.balances += profile.coins;
    totals.startGrants += startCoins;
    totals.levelCoins += levelCoins;
    totals.feesCharged += fees;
    totals.rewardsPaid += rewards;
    checkLevelUps(snapshot, model, violations, userId, name, profile.level);
  }
  const expectedTotal = totals.startGrants + totals.levelCoins - totals.feesCharged + totals.rewardsPaid;
  if (totals.balances !== expectedTotal) {
    violations.add('coins.total', `all players hold ${totals.balances} coins, expected ${expectedTotal}`);
  }
  for (const player of model.players) {
    if (player.created && player.sub && !snapshot.profiles.some((p) => p.userId === player.sub)) {
      violations.add('profile.acked-missing', `${player.username}: created (2xx) but DynamoDB has no profile`);
    }
  }
  return totals;
}

function checkLevelUps(snapshot: TableSnapshot, model: RunModel, violations: Violations, userId: string, name: string, level: number): void {
  const chain = snapshot.levelUps.filter((l) => l.userId === userId).sort((a, b) => a.toLevel - b.toLevel);
  // The chain starts with the player's arrival (0 -> start level, committed with the profile).
  let reached: number = ARRIVAL_FROM_LEVEL;
  for (const step of chain) {
    if (step.fromLevel !== reached) {
      violations.add('levels.chain', `${name}: level-up ${step.fromLevel}->${step.toLevel} follows level ${reached} (a level-up lost or applied twice)`);
    }
    reached = step.toLevel;
  }
  if (reached !== level) violations.add('levels.chain', `${name}: the outbox reaches level ${reached}, the profile says ${level}`);

  // Each idempotency record names the level-up its key applied; what no record explains was keyless.
  const byLevel = new Map<number, LevelUpRow>(chain.map((l) => [l.toLevel, l]));
  const explained = new Set<number>();
  const player = model.bySub(userId);
  for (const record of snapshot.idempotency.filter((r) => r.userId === userId)) {
    const step = byLevel.get(record.response.level);
    const inc = record.response.coinsEarned / coinsPerLevel;
    if (!step || step.toLevel - step.fromLevel !== inc) {
      violations.add('levels.record', `${name}: key ${record.key} answered level ${record.response.level} (+${inc}), no such level-up in the outbox`);
    } else explained.add(step.toLevel);
    const request = player?.requests.get(record.key);
    if (player && !request) violations.add('levels.unexplained', `${name}: key ${record.key} was never sent`);
    else if (request && !request.incs.has(inc)) violations.add('levels.unexplained', `${name}: key ${record.key} applied +${inc}, sent ${[...request.incs].join('/')}`);
  }
  if (!player) return;
  for (const request of player.requests.values()) {
    if (!request.key || !request.ack) continue;
    const record = snapshot.idempotency.find((r) => r.userId === userId && r.key === request.key);
    if (!record) violations.add('progress.acked-lost', `${name}: key ${request.key} answered 200 (level ${request.ack.level}) but left no record`);
    else if (JSON.stringify(record.response) !== JSON.stringify(request.ack)) {
      violations.add('progress.replay', `${name}: key ${request.key} answered ${JSON.stringify(request.ack)}, recorded ${JSON.stringify(record.response)}`);
    }
  }
  // Keyless level-ups: each acknowledged one is in the outbox; none applied more often than sent.
  const keyless = [...player.requests.values()].filter((r) => !r.key);
  // The arrival is explained by the profile's creation (the chain check saw it first).
  const unexplained = chain.filter((l) => !explained.has(l.toLevel) && !isArrival(l));
  for (const request of keyless) {
    if (request.ack && !unexplained.some((l) => l.toLevel === request.ack!.level)) {
      violations.add('progress.acked-lost', `${name}: keyless +${[...request.incs][0]} answered level ${request.ack.level}, not in the outbox`);
    }
  }
  const sent = new Map<number, number>();
  for (const request of keyless) for (const inc of request.incs) sent.set(inc, (sent.get(inc) ?? 0) + 1);
  for (const step of unexplained) {
    const inc = step.toLevel - step.fromLevel;
    const left = sent.get(inc) ?? 0;
    if (left === 0) violations.add('levels.unexplained', `${name}: level-up ${step.fromLevel}->${step.toLevel} matches no request sent (applied twice?)`);
    else sent.set(inc, left - 1);
  }
}
