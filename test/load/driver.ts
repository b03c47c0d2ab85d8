import { pause } from './client-retries.ts';
import { VirtualUser, type PlayerLedger, type VuEnvironment } from './virtual-user.ts';

/** How many VUs have started and finished: what the progress bar shows. */
export interface VuCounts {
  started: number;
  finished: number;
}

/**
 * Starts `vus` virtual users spread evenly over the ramp (1,000 over 10 s: one every 10 ms) and
 * waits until each has finished its session: the run's end, plus whatever it still retries into
 * the drain. A VU that throws (a bug of the load test, not of the stack) is reported and ends the run.
 */
export async function runVirtualUsers(vus: number, rampMs: number, env: VuEnvironment, counts: VuCounts): Promise<PlayerLedger[]> {
  const started = Date.now();
  const users = Array.from({ length: vus }, (_, index) => new VirtualUser(index, env));
  const sessions: Promise<void>[] = [];
  for (const [index, user] of users.entries()) {
    await pause(started + (index * rampMs) / vus - Date.now(), env.signal);
    if (env.signal.aborted) break;
    counts.started++;
    sessions.push(user.run().finally(() => counts.finished++));
  }
  await Promise.all(sessions);
  return users.map((user) => user.ledger);
}
