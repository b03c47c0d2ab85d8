import { seededRandom } from '../../infra/local/seeded-random.ts';
import { gameRules } from '../../shared/domain/game-rules.ts';
import { SAGA_FAULT_POINTS, type Op, type ProgressSend, type ReadKind } from './ops.ts';

/** Where every chaos run's local clock starts: a morning, after the real date (TTLs run on real time). */
export const CHAOS_START = '2030-01-07T08:00:00.000Z';

/** Players in a run of `ops` ops: enough at 500 ops that a day's rush overfills a group of 35. */
export function playerCountFor(ops: number): number {
  return ops >= 200 ? 45 : Math.max(3, Math.min(40, Math.floor(ops / 5)));
}

/**
 * A random but seeded op list: the same seed and count give the same list on every machine.
 * A coarse shadow of the game (who exists, roughly which level, the time of day) only steers
 * the mix towards ops that do something; the executor and the checker never rely on it.
 */
export function generateOps(seed: number, count: number): Op[] {
  const random = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number) => random() < p;

  const players = playerCountFor(count);
  const created = new Set<number>();
  const level = new Map<number, number>();
  const enteredToday = new Set<number>();
  const enteredYesterday = new Set<number>();
  /** Keys used today per player (replays stay within the 24 h the records live). */
  const keysToday = new Map<number, ProgressSend[]>();
  let minuteOfDay = 8 * 60;
  let day = 0;
  let redisPaused = false;
  let keyCounter = 0;
  const newKey = () => `s${seed}-k${keyCounter++}`;
  const nextDay = (atMinute: number) => {
    day++;
    minuteOfDay = atMinute;
    enteredYesterday.clear();
    for (const p of enteredToday) enteredYesterday.add(p);
    enteredToday.clear();
    keysToday.clear();
  };

  const createdList = () => [...created];
  const eligible = () => createdList().filter((p) => (level.get(p) ?? 1) >= gameRules.tournament.minLevel && !enteredToday.has(p));
  const morning = () => minuteOfDay < gameRules.tournament.entryClosesAtUtcHour * 60;
  const remember = (p: number, send: ProgressSend) => {
    if (send.key) keysToday.set(p, [...(keysToday.get(p) ?? []), send]);
  };

  /** A fresh level-up: a player below the entry level mostly jumps to it, so entries happen early. */
  const freshSend = (p: number, keyed: boolean): ProgressSend => {
    const current = level.get(p) ?? 1;
    const inc = current < gameRules.tournament.minLevel && chance(0.7) ? gameRules.tournament.minLevel - current + int(0, 2) : int(1, 6);
    return keyed ? { inc, key: newKey() } : { inc };
  };

  // Each kind of op: its weight now (it may follow the time of day or Redis' state) and its maker.
  const weighted: [() => number, () => Op | undefined][] = [
    [
      () => 12,
      () => {
        const fresh = Array.from({ length: players }, (_, p) => p).filter((p) => !created.has(p));
        if (fresh.length === 0) return undefined;
        const p = fresh[0]!;
        created.add(p);
        return { kind: 'createPlayer', p, taps: chance(0.15) ? 2 : 1 };
      },
    ],
    [
      () => 22,
      () => {
        if (created.size === 0) return undefined;
        const p = pick(createdList());
        const sends: ProgressSend[] = [];
        const fresh = int(1, 2);
        for (let i = 0; i < fresh; i++) {
          const send = freshSend(p, chance(0.85));
          sends.push(send);
          remember(p, send);
          level.set(p, (level.get(p) ?? 1) + send.inc);
          // A duplicate delivery of the same request (a client retry racing its original).
          if (send.key && chance(0.3)) sends.push(send);
        }
        // An older request of today arriving again, out of order.
        const old = keysToday.get(p);
        if (old && old.length > 1 && chance(0.3)) sends.splice(int(0, sends.length), 0, pick(old));
        return { kind: 'levelUp', p, sends, concurrent: chance(0.5) };
      },
    ],
    [
      () => 5,
      () => {
        const withKeys = createdList().filter((p) => (keysToday.get(p)?.length ?? 0) > 0);
        if (withKeys.length === 0) return undefined;
        const p = pick(withKeys);
        return { kind: 'levelUp', p, sends: [pick(keysToday.get(p)!)], concurrent: false };
      },
    ],
    [
      () => 1,
      () => {
        const withKeys = createdList().filter((p) => (keysToday.get(p)?.length ?? 0) > 0);
        if (withKeys.length === 0) return undefined;
        const p = pick(withKeys);
        const used = pick(keysToday.get(p)!);
        return { kind: 'reuseKey', p, key: used.key!, inc: used.inc + int(1, 3) };
      },
    ],
    [
      () => 12,
      () => {
        const ready = eligible();
        if (ready.length === 0 || !morning()) return chance(0.2) && created.size > 0 ? { kind: 'enter', p: pick(createdList()), taps: 1 } : undefined;
        const p = pick(ready);
        enteredToday.add(p);
        return { kind: 'enter', p, taps: chance(0.25) ? int(2, 3) : 1 };
      },
    ],
    [
      // Rushes grow with the players ready to enter: a big one overfills a group of 35.
      () => (morning() && eligible().length >= 4 ? 0.5 + eligible().length / 10 : 0),
      () => {
        const ready = eligible();
        if (ready.length < 4 || !morning()) return undefined;
        for (const p of ready) enteredToday.add(p);
        return { kind: 'rush', players: ready };
      },
    ],
    [
      () => 2,
      () => {
        const ready = eligible();
        if (ready.length === 0 || !morning()) return undefined;
        const p = pick(ready);
        enteredToday.add(p);
        const send = { inc: int(1, 4), key: newKey() };
        remember(p, send);
        level.set(p, (level.get(p) ?? 1) + send.inc);
        return { kind: 'enterWhileLevelling', p, inc: send.inc, key: send.key };
      },
    ],
    [
      () => 7,
      () => {
        const claimers = day > 0 ? [...enteredYesterday] : [];
        if (claimers.length === 0) return created.size > 0 && chance(0.2) ? { kind: 'claim', p: pick(createdList()), daysAgo: int(0, 2), taps: 1 } : undefined;
        return { kind: 'claim', p: pick(claimers), daysAgo: chance(0.9) ? 1 : pick([0, 2]), taps: chance(0.3) ? int(2, 4) : 1 };
      },
    ],
    [
      () => 10,
      () => {
        if (created.size === 0) return undefined;
        const what = pick<ReadKind>(['groupBoard', 'groupBoard', 'rank', 'global', 'global', 'globalMe', 'me', 'history']);
        return { kind: 'read', p: pick(createdList()), what };
      },
    ],
    [
      () => 4,
      () => {
        const seconds = pick([30, 90, 5 * 60, 7 * 60, 20 * 60, 45 * 60]);
        minuteOfDay += seconds / 60;
        if (minuteOfDay >= 24 * 60) nextDay(minuteOfDay - 24 * 60);
        return { kind: 'advanceClock', seconds };
      },
    ],
    [
      () => (morning() ? 1.2 : 0),
      () => {
        if (!morning()) return undefined;
        minuteOfDay = 12 * 60 + 0.5;
        return { kind: 'pastNoon' };
      },
    ],
    [
      // Days get their mornings' worth of ops before they end.
      () => (morning() ? 0.5 : 2.5),
      () => {
        nextDay(2);
        return { kind: 'pastMidnight' };
      },
    ],
    [
      () => 3,
      () => {
        if (created.size === 0) return undefined;
        // Aimed at a player the saga will run for, so the fault point is reached.
        const ready = morning() ? eligible() : [];
        const p = ready.length > 0 ? pick(ready) : pick(createdList());
        const point = pick(SAGA_FAULT_POINTS);
        // RefundReservation is only reached when joining fails: times > 3 outlasts the step's retries.
        return { kind: 'faultEntry', p, point, action: chance(0.5) ? 'crash' : 'error', times: chance(0.3) ? int(2, 5) : 1 };
      },
    ],
    [
      () => 2,
      () => {
        if (created.size === 0) return undefined;
        const p = pick(createdList());
        const send = { inc: int(1, 4), key: newKey() };
        remember(p, send);
        level.set(p, (level.get(p) ?? 1) + send.inc);
        return { kind: 'faultProgress', p, action: chance(0.5) ? 'crash' : 'error', inc: send.inc, key: send.key };
      },
    ],
    [
      () => (morning() && !redisPaused ? 1.2 : 0),
      () => {
        const ready = eligible();
        if (ready.length === 0) return undefined;
        const p = pick(ready);
        enteredToday.add(p);
        // Its keys (`<key>-n`) are never replayed: they are not remembered for redeliveries.
        return { kind: 'enterThroughRedisBlip', p, inc: int(1, 2), key: newKey(), outageMs: pick([1500, 3000, 6000]) };
      },
    ],
    [() => 0.8, () => ({ kind: 'faultJob', action: chance(0.4) ? 'crash' : 'error', times: chance(0.3) ? 3 : 1 })],
    [() => 1, () => ({ kind: 'wipeRedis' })],
    [
      () => (redisPaused ? 0 : 0.8),
      () => {
        redisPaused = true;
        return { kind: 'pauseRedis' };
      },
    ],
    [
      () => (redisPaused ? 6 : 0),
      () => {
        redisPaused = false;
        return { kind: 'resumeRedis' };
      },
    ],
    [() => 0.6, () => ({ kind: 'restartDynamo' })],
    [() => 0.5, () => ({ kind: 'restartStack' })],
  ];

  const ops: Op[] = [];
  while (ops.length < count) {
    const table = weighted.map(([weight, make]) => [weight(), make] as const);
    const total = table.reduce((sum, [w]) => sum + w, 0);
    let roll = random() * total;
    const chosen = table.find(([w]) => (roll -= w) < 0) ?? table[0]!;
    const op = chosen[1]();
    if (op) ops.push(op);
  }
  return ops;
}
