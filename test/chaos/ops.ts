/**
 * The chaos run's vocabulary: every op is plain JSON (so a failing list can be printed, saved and
 * replayed) and names players by index, so an op keeps its meaning when the shrinker drops others.
 * The executor accepts any op in any state: a level-up of a player never created is a 404, a
 * claim of a day never entered a NOT_PARTICIPATING, a resume of a Redis not paused a no-op.
 */

/** Saga states and commits that `POST /_local/faults` can break (README, "Fault points"). */
export const SAGA_FAULT_POINTS = [
  'ValidateEntry',
  'ReserveCoins',
  'ReserveCoins.afterCommit',
  'JoinGroup',
  'JoinGroup.afterCommit',
  'ConfirmReservation',
  'ConfirmReservation.afterCommit',
  'RefundReservation',
  'RefundReservation.afterCommit',
] as const;
export type SagaFaultPoint = (typeof SAGA_FAULT_POINTS)[number];

export type FaultAction = 'error' | 'crash';

/** One `POST /users/me/progress` delivery; the same key twice is a duplicate delivery. */
export interface ProgressSend {
  readonly inc: number;
  /** Omitted: a request without Idempotency-Key (never replayed, each one counts). */
  readonly key?: string;
}

export type ReadKind = 'groupBoard' | 'rank' | 'global' | 'globalMe' | 'me' | 'history';

export type Op =
  /** `POST /users`, `taps` times at once (a retried or racing create). */
  | { readonly kind: 'createPlayer'; readonly p: number; readonly taps: number }
  /** Deliveries of progress requests, one after another or all at once (reordered, duplicated). */
  | { readonly kind: 'levelUp'; readonly p: number; readonly sends: readonly ProgressSend[]; readonly concurrent: boolean }
  /** A key already used, with another body: 422 if the first use was recorded. */
  | { readonly kind: 'reuseKey'; readonly p: number; readonly key: string; readonly inc: number }
  /** `POST /tournaments/current/entries`, `taps` times at once (a double tap). */
  | { readonly kind: 'enter'; readonly p: number; readonly taps: number }
  /** Many players entering at once (the midnight rush in small). */
  | { readonly kind: 'rush'; readonly players: readonly number[] }
  /** An entry and a level-up of the same player racing each other. */
  | { readonly kind: 'enterWhileLevelling'; readonly p: number; readonly inc: number; readonly key: string }
  /**
   * Redis stalls, the player enters (the saga retries its seat meanwhile) and levels up by `inc`
   * every 150 ms while the entry is in flight (keys `<key>-n`), Redis back after `outageMs`: the
   * issue's "score of 650 the bookkeeping expected to be 0" case.
   */
  | { readonly kind: 'enterThroughRedisBlip'; readonly p: number; readonly inc: number; readonly key: string; readonly outageMs: number }
  /** `POST /tournaments/{day}/reward` for the day `daysAgo` before the local clock's, `taps` at once. */
  | { readonly kind: 'claim'; readonly p: number; readonly daysAgo: number; readonly taps: number }
  | { readonly kind: 'read'; readonly p: number; readonly what: ReadKind }
  | { readonly kind: 'advanceClock'; readonly seconds: number }
  /** To 12:00:30 of the local day (entries close), if not past it already. */
  | { readonly kind: 'pastNoon' }
  /** To 00:02 of the next day: create, close (the seal workflow) and sweep run. */
  | { readonly kind: 'pastMidnight' }
  /** Arms a fault at a saga point, enters as player `p`, disarms. A crash restarts the stack. */
  | { readonly kind: 'faultEntry'; readonly p: number; readonly point: SagaFaultPoint; readonly action: FaultAction; readonly times: number }
  /** Arms `progress.afterCommit`, levels up as player `p` with `key`, disarms (the client retries later via the key). */
  | { readonly kind: 'faultProgress'; readonly p: number; readonly action: FaultAction; readonly inc: number; readonly key: string }
  /** Arms `scheduledJob.start` and moves the clock a minute, so the next scheduled job fails or crashes the stack. */
  | { readonly kind: 'faultJob'; readonly action: FaultAction; readonly times: number }
  /** FLUSHALL: the cache lost (a Redis restarted empty). */
  | { readonly kind: 'wipeRedis' }
  /** SIGSTOP / SIGCONT of redis-server: an outage that keeps the data (a partition, a stalled node). */
  | { readonly kind: 'pauseRedis' }
  | { readonly kind: 'resumeRedis' }
  /** DynamoDB Local stopped and started again on the same port and files, the stack left running. */
  | { readonly kind: 'restartDynamo' }
  /** The stack stopped (SIGTERM) and started again on the same state. */
  | { readonly kind: 'restartStack' };

export type OpKind = Op['kind'];

/** One line per op, for reports. */
export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'createPlayer':
      return `createPlayer p${op.p}${op.taps > 1 ? ` x${op.taps}` : ''}`;
    case 'levelUp':
      return `levelUp p${op.p} ${op.concurrent ? 'at once' : 'in turn'} [${op.sends.map((s) => `+${s.inc}${s.key ? `@${s.key}` : ''}`).join(', ')}]`;
    case 'reuseKey':
      return `reuseKey p${op.p} +${op.inc}@${op.key}`;
    case 'enter':
      return `enter p${op.p}${op.taps > 1 ? ` x${op.taps}` : ''}`;
    case 'rush':
      return `rush [${op.players.map((p) => `p${p}`).join(' ')}]`;
    case 'enterWhileLevelling':
      return `enterWhileLevelling p${op.p} +${op.inc}@${op.key}`;
    case 'enterThroughRedisBlip':
      return `enterThroughRedisBlip p${op.p} +${op.inc}@${op.key} ${op.outageMs}ms`;
    case 'claim':
      return `claim p${op.p} day-${op.daysAgo}${op.taps > 1 ? ` x${op.taps}` : ''}`;
    case 'read':
      return `read p${op.p} ${op.what}`;
    case 'advanceClock':
      return `advanceClock ${op.seconds}s`;
    case 'faultEntry':
      return `faultEntry p${op.p} ${op.action}@${op.point}${op.times > 1 ? ` x${op.times}` : ''}`;
    case 'faultProgress':
      return `faultProgress p${op.p} ${op.action} +${op.inc}@${op.key}`;
    case 'faultJob':
      return `faultJob ${op.action}${op.times > 1 ? ` x${op.times}` : ''}`;
    default:
      return op.kind;
  }
}
