import type { RedisClient } from './client.ts';
import { redisKeys } from './keys.ts';

/** Seat counters outlive the tournament day by a day, then Redis drops them. */
const COUNTER_TTL_SECONDS = 2 * 24 * 60 * 60;

/**
 * Hands out seat numbers in arrival order with one Redis INCR, so thousands of entries a second
 * never all write one DynamoDB item. The DynamoDB group's conditional member count stays the
 * guard: a seat never overfills a group, it can only leave a gap (a seat whose entry failed).
 * One key per tournament (keys.ts): its MULTI and script are single-slot by construction.
 */
export class SeatDispenser {
  constructor(private readonly redis: RedisClient) {}

  async next(tournamentId: string): Promise<number> {
    const key = redisKeys.seatCounter(tournamentId);
    const results = await this.redis.multi().incr(key).expire(key, COUNTER_TTL_SECONDS).exec();
    const [incr] = results ?? [];
    if (!incr || incr[0]) throw incr?.[0] ?? new Error('seat counter transaction was discarded');
    return incr[1] as number;
  }

  /**
   * Moves the counter past `seat` when a group turned out full although its seats said not,
   * which only happens if the counter was lost (Redis restarted): the next seat opens a group
   * beyond the full ones instead of knocking on each of them.
   */
  async skipTo(tournamentId: string, seat: number): Promise<void> {
    await this.redis.eval(
      "if tonumber(redis.call('GET', KEYS[1]) or '0') < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end",
      1,
      redisKeys.seatCounter(tournamentId),
      String(seat),
      String(COUNTER_TTL_SECONDS),
    );
  }
}
