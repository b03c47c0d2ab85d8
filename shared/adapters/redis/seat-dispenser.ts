import type { RedisClient } from './client.ts';
import { redisKeys } from './keys.ts';

/** Seat counters outlive the tournament day by a day, then Redis drops them. */
const COUNTER_TTL_SECONDS = 2 * 24 * 60 * 60;

/**
 * KEYS counter; ARGV ttl: the next seat, and the counter's expiry renewed, atomically and in one
 * command (a MULTI of INCR and EXPIRE is four commands, each billed by ElastiCache).
 */
const NEXT_SEAT = {
  numberOfKeys: 1,
  lua: "local seat = redis.call('INCR', KEYS[1])\nredis.call('EXPIRE', KEYS[1], ARGV[1])\nreturn seat",
} as const;

/** The script as a typed call (ioredis sends EVALSHA, and EVAL once if the server lacks it). */
type SeatCommands = { gsSeatNext(key: string, ttlSeconds: string): Promise<number> };

/**
 * Hands out seat numbers in arrival order with one Redis INCR, so thousands of entries a second
 * never all write one DynamoDB item. The DynamoDB group's conditional member count stays the
 * guard: a seat never overfills a group, it can only leave a gap (a seat whose entry failed).
 * One key per tournament (keys.ts): its scripts are single-slot by construction.
 */
export class SeatDispenser {
  constructor(private readonly redis: RedisClient) {
    redis.defineCommand('gsSeatNext', NEXT_SEAT);
  }

  async next(tournamentId: string): Promise<number> {
    const commands = this.redis as unknown as SeatCommands;
    return Number(await commands.gsSeatNext(redisKeys.seatCounter(tournamentId), String(COUNTER_TTL_SECONDS)));
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
