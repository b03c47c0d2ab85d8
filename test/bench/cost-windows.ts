import type { ApiClient } from '../support/api-client.ts';
import type { DynamoDbCapacityCounter, DynamoDbUsage } from './dynamodb-capacity-counter.ts';
import { dynamoDbUsageMinus } from './dynamodb-capacity-counter.ts';
import type { RedisCommandCounter, RedisCommandUsage } from './redis-command-counter.ts';
import { redisUsageMinus } from './redis-command-counter.ts';

/*
 * The costs phase's measurement windows: the two counting proxies' differences around one
 * operation, kept clear of the stack's scheduled jobs and ended only once the backends are idle.
 */

/** A window's budget: none starts closer than this to a whole minute of the stack's clock. */
const WINDOW_BUDGET_MS = 5_000;
/** A minute's jobs (sweeper, board watcher) are done within this of the minute. */
const JOB_SETTLE_MS = 3_000;
/** Both proxies this long without a call: what was started is done. */
const IDLE_MS = 50;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Window {
  readonly dynamodb: DynamoDbUsage;
  readonly redis: RedisCommandUsage;
  readonly ms: number;
}

/** Both proxies, and the stack's clock, as the windows need them. */
export class Meter {
  private clockOffsetMs = 0;

  constructor(
    private readonly dynamodb: DynamoDbCapacityCounter,
    private readonly redis: RedisCommandCounter,
    private readonly stack: ApiClient,
  ) {}

  /** Reads the stack's clock (again after it was moved): local time = real time + offset. */
  async syncClock(): Promise<void> {
    const before = Date.now();
    const { body } = await this.stack.get('/_local/clock');
    this.clockOffsetMs = Date.parse(body.now) - (before + Date.now()) / 2;
  }

  private minuteOf(realMs: number): number {
    return Math.floor((realMs + this.clockOffsetMs) / 60_000);
  }

  /** Waits for a moment with WINDOW_BUDGET_MS before the next minute's jobs, and both proxies idle. */
  async ready(idleMs = IDLE_MS): Promise<void> {
    const stackNow = Date.now() + this.clockOffsetMs;
    const toNextMinute = 60_000 - (stackNow % 60_000);
    if (toNextMinute < WINDOW_BUDGET_MS) await sleep(toNextMinute + JOB_SETTLE_MS);
    else if (stackNow % 60_000 < JOB_SETTLE_MS) await sleep(JOB_SETTLE_MS - (stackNow % 60_000));
    await this.idle(idleMs);
  }

  async idle(ms: number): Promise<void> {
    while (Math.min(this.dynamodb.idleMs(), this.redis.idleMs()) < ms) await sleep(10);
  }

  counters(): { dynamodb: DynamoDbUsage; redis: RedisCommandUsage } {
    return { dynamodb: this.dynamodb.snapshot(), redis: this.redis.snapshot() };
  }

  /** Whether a window from `startMs` to `endMs` (real time) could have met a minute's jobs. */
  metJobs(startMs: number, endMs: number): boolean {
    return this.minuteOf(startMs) !== this.minuteOf(endMs + JOB_SETTLE_MS);
  }

  /** One operation's window: the counters' difference around `run`, once everything it started is done. */
  async measure(run: () => Promise<void>, settle: () => Promise<void> = () => this.idle(IDLE_MS)): Promise<Window | undefined> {
    await this.ready();
    const before = this.counters();
    const start = Date.now();
    const t0 = performance.now();
    await run();
    const ms = performance.now() - t0;
    await settle();
    const after = this.counters();
    if (this.metJobs(start, Date.now())) return undefined;
    return { dynamodb: dynamoDbUsageMinus(after.dynamodb, before.dynamodb), redis: redisUsageMinus(after.redis, before.redis), ms };
  }

  /** Starts a span of backend activity: `busyMs()` then says how long the backends were busy since. */
  mark(): void {
    this.dynamodb.mark();
    this.redis.mark();
  }

  /** From the first call after `mark()` to the last answer: the consumer's time, as its function would be billed. */
  busyMs(): number {
    const spans = [this.dynamodb.activity(), this.redis.activity()];
    const firsts = spans.flatMap((s) => (s.first === undefined ? [] : [s.first]));
    return firsts.length === 0 ? 0 : Math.max(...spans.map((s) => s.last)) - Math.min(...firsts);
  }

  pauseStreams(): Promise<void> {
    return this.dynamodb.pauseStreams();
  }

  resumeStreams(): void {
    this.dynamodb.resumeStreams();
  }
}
