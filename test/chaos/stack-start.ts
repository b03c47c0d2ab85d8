import type { ChaosRedis } from './engines.ts';
import type { ChaosStack } from './stack-process.ts';
import type { Violations } from './violations.ts';

/** Bounds on a start-up (a synthesis and the deploy triggers: tens of seconds on a busy machine). */
const READY_MS = 120_000;
/** With Redis stalled a start-up blocks (see below): after this, Redis is let back. */
const READY_WHILE_STALLED_MS = 30_000;
const READY_AFTER_REDIS_MS = 120_000;

/**
 * Starts the stack and judges the start: one that does not get ready is reported with its last
 * lines. A start blocked while Redis is stalled (the deploy triggers touch the boards) is noted,
 * Redis let back, and the same process given time to get ready; one that never does is killed,
 * reported, and replaced, so the run goes on.
 */
export async function startStack(
  stack: ChaosStack,
  redis: ChaosRedis,
  violations: Violations,
  opIndex: number,
  note: (line: string) => void,
): Promise<void> {
  const stalled = redis.isPaused;
  if (await stack.start(stalled ? READY_WHILE_STALLED_MS : READY_MS)) return;
  if (stalled && !stack.exitedAlready()) {
    note(`the stack was not ready within ${READY_WHILE_STALLED_MS / 1000} s while Redis was stalled; Redis let back`);
    await redis.resume();
    if (await stack.readyWithin(READY_AFTER_REDIS_MS)) return;
  }
  violations.add('stack.start', `the stack did not get ready:\n${stack.recentOutput().slice(-1500)}`, opIndex);
  await stack.kill();
  await redis.resume();
  if (!(await stack.start(READY_MS))) throw new Error(`the stack does not start:\n${stack.recentOutput().slice(-3000)}`);
}
