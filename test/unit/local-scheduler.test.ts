import { describe, expect, it } from 'vitest';
import { LocalAsyncInvoker, LocalDestinationQueues } from '../../infra/local/async-invoke.ts';
import { LambdaTimeoutError } from '../../infra/local/lambda-limits.ts';
import type { InvokeOptions } from '../../infra/local/lambda-runtime.ts';
import { LocalScheduler, fireTimes } from '../../infra/local/scheduler.ts';
import { localFunctionArn, type AsyncInvokeConfigModel } from '../../infra/local/template.ts';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('schedule expressions', () => {
  it('fires a daily cron at each midnight in (from, to]', () => {
    expect(iso(fireTimes('cron(0 0 * * ? *)', new Date('2026-01-01T00:00:00Z'), new Date('2026-01-03T00:00:00Z')))).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]);
  });

  it('fires a rate on whole periods', () => {
    expect(iso(fireTimes('rate(1 minute)', new Date('2026-01-01T00:00:30Z'), new Date('2026-01-01T00:03:00Z')))).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
    ]);
  });

  it('refuses what it cannot evaluate', () => {
    expect(() => fireTimes('at(2026-01-01T00:00:00)', new Date(0), new Date(1))).toThrow();
  });
});

const input = '{"scheduledTime":"<aws.scheduler.scheduled-time>"}';
const schedules = [
  { name: 'Create', expression: 'cron(0 0 * * ? *)', timezone: 'UTC', functionLogicalId: 'Create', input, catchUp: false },
  { name: 'Sweep', expression: 'rate(1 minute)', timezone: 'UTC', functionLogicalId: 'Sweep', input, catchUp: true },
];

/** Both jobs send their failures to one on-failure queue, as the template's async invoke configs do. */
const ON_FAILURE_QUEUE = 'OnFailureQueue';
const configs = new Map<string, AsyncInvokeConfigModel>(
  ['Create', 'Sweep'].map((fn) => [fn, { functionLogicalId: fn, maximumRetryAttempts: 2, onFailureQueueLogicalId: ON_FAILURE_QUEUE }]),
);
const LOCAL_NOW = new Date('2026-01-02T00:00:05Z');

type FakeInvoke = (fn: string, event: unknown, options: InvokeOptions) => Promise<unknown>;

/** A scheduler whose jobs are invoked asynchronously through `invoke`, with 0 ms pauses between retries. */
function schedulerWith(invoke: FakeInvoke, firedUpTo: Date, retryDelaysMs: readonly number[] = [0, 0]) {
  const destinations = new LocalDestinationQueues();
  const logged: string[] = [];
  const asyncInvoker = new LocalAsyncInvoker({
    invoke,
    configs,
    destinations,
    now: () => LOCAL_NOW,
    retryDelaysMs,
    log: (line) => void logged.push(line),
  });
  const scheduler = new LocalScheduler(schedules, (fn, event) => asyncInvoker.invoke(fn, event), firedUpTo);
  return { scheduler, destinations, logged };
}

describe('local scheduler', () => {
  it('runs due schedules in time order with the scheduled time, coalescing consecutive runs of one schedule', async () => {
    const calls: [string, unknown][] = [];
    const { scheduler } = schedulerWith(async (fn, event) => void calls.push([fn, event]), new Date('2026-01-01T23:58:00Z'));
    const fired = await scheduler.runUpTo(new Date('2026-01-02T00:03:00Z'));
    expect(fired).toEqual([
      { schedule: 'Sweep', at: '2026-01-01T23:59:00.000Z' },
      { schedule: 'Create', at: '2026-01-02T00:00:00.000Z' },
      { schedule: 'Sweep', at: '2026-01-02T00:03:00.000Z', coalesced: 4 },
    ]);
    expect(calls[1]).toEqual(['Create', { scheduledTime: '2026-01-02T00:00:00Z' }]);
    // Nothing twice: the next move starts where this one ended.
    expect(await scheduler.runUpTo(new Date('2026-01-02T00:03:30Z'))).toEqual([]);
  });

  it('makes O(days) runs for a 7-day jump: every run of the daily jobs, one sweep per gap between them, in time order', async () => {
    // The template's three jobs: close runs at 00:00, 01:00 and 02:00, interleaving the sweeps.
    const jobs = [
      schedules[0]!,
      { name: 'Close', expression: 'cron(0 0-2 * * ? *)', timezone: 'UTC', functionLogicalId: 'Close', input, catchUp: false },
      schedules[1]!,
    ];
    const calls: string[] = [];
    const scheduler = new LocalScheduler(jobs, async (fn, event) => {
      calls.push(`${fn} ${(event as { scheduledTime: string }).scheduledTime}`);
      return { succeeded: true, attempts: 1 };
    }, new Date('2026-01-01T09:00:00Z'));
    const fired = await scheduler.runUpTo(new Date('2026-01-08T09:00:00Z'));

    const runsOf = (name: string) => fired.filter((f) => f.schedule === name);
    expect(runsOf('Create').map((f) => f.at)).toEqual(
      Array.from({ length: 7 }, (_, day) => `2026-01-0${day + 2}T00:00:00.000Z`),
    );
    expect(runsOf('Close')).toHaveLength(21);
    // Before each of the 21 close runs, and once at the end: a sweep for each minute, all accounted for.
    expect(runsOf('Sweep')).toHaveLength(22);
    expect(runsOf('Sweep').reduce((sum, f) => sum + (f.coalesced ?? 1), 0)).toBe(7 * 24 * 60);
    expect(fired).toHaveLength(7 + 21 + 22);
    expect(calls).toHaveLength(fired.length);

    const times = fired.map((f) => f.at);
    expect(times).toEqual([...times].sort());
    // The sweep due just before a close runs before it; at an instant, the template's order.
    expect(fired.slice(0, 4)).toEqual([
      { schedule: 'Sweep', at: '2026-01-01T23:59:00.000Z', coalesced: 899 },
      { schedule: 'Create', at: '2026-01-02T00:00:00.000Z' },
      { schedule: 'Close', at: '2026-01-02T00:00:00.000Z' },
      { schedule: 'Sweep', at: '2026-01-02T00:59:00.000Z', coalesced: 60 },
    ]);
    expect(fired.at(-1)).toEqual({ schedule: 'Sweep', at: '2026-01-08T09:00:00.000Z', coalesced: 7 * 60 + 1 });
  });
});

describe('local scheduler: jobs invoked asynchronously (Lambda retries, then the on-failure destination)', () => {
  const midnight = { from: new Date('2026-01-01T23:59:30Z'), to: new Date('2026-01-02T00:00:00Z') };

  it('retries a failing job twice under one request id, then sends Lambda\'s invocation record to the on-failure queue', async () => {
    const attempts: { fn: string; requestId?: string }[] = [];
    const { scheduler, destinations } = schedulerWith(async (fn, _event, { requestId }) => {
      attempts.push({ fn, requestId });
      if (fn === 'Create') throw new LambdaTimeoutError(requestId!, 10);
    }, midnight.from);
    const fired = await scheduler.runUpTo(midnight.to);

    const creates = attempts.filter((a) => a.fn === 'Create');
    expect(creates).toHaveLength(3);
    expect(new Set(creates.map((a) => a.requestId)).size).toBe(1);
    expect(fired).toEqual([
      { schedule: 'Create', at: '2026-01-02T00:00:00.000Z', failed: { attempts: 3, errorType: 'Sandbox.Timedout', destination: ON_FAILURE_QUEUE } },
      { schedule: 'Sweep', at: '2026-01-02T00:00:00.000Z' },
    ]);
    const requestId = creates[0]!.requestId!;
    expect(destinations.list(10)).toEqual([
      {
        queue: ON_FAILURE_QUEUE,
        record: {
          version: '1.0',
          timestamp: LOCAL_NOW.toISOString(),
          requestContext: {
            requestId,
            functionArn: `${localFunctionArn('Create')}:$LATEST`,
            condition: 'RetriesExhausted',
            approximateInvokeCount: 3,
          },
          requestPayload: { scheduledTime: '2026-01-02T00:00:00Z' },
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after 10.00 seconds` },
        },
      },
    ]);
  });

  it('stops retrying once an attempt succeeds, and sends nothing to the destination', async () => {
    let calls = 0;
    const { scheduler, destinations } = schedulerWith(async (fn) => {
      if (fn === 'Create' && ++calls === 1) throw new Error('DynamoDB blinked');
    }, midnight.from);
    const fired = await scheduler.runUpTo(midnight.to);
    expect(calls).toBe(2);
    expect(fired.find((f) => f.schedule === 'Create')).toEqual({ schedule: 'Create', at: '2026-01-02T00:00:00.000Z' });
    expect(destinations.list(10)).toEqual([]);
  });

  it('pauses between attempts (as Lambda waits ~1 then ~2 minutes) and fires the next schedule only after the last attempt', async () => {
    const order: string[] = [];
    const startedAt: number[] = [];
    const { scheduler } = schedulerWith(
      async (fn) => {
        order.push(fn);
        if (fn === 'Create') {
          startedAt.push(performance.now());
          throw new Error('always');
        }
      },
      midnight.from,
      [50, 100],
    );
    await scheduler.runUpTo(midnight.to);
    expect(order).toEqual(['Create', 'Create', 'Create', 'Sweep']);
    // Timers never fire early, so the gaps are at least the configured pauses however busy the machine.
    expect(startedAt[1]! - startedAt[0]!).toBeGreaterThanOrEqual(49);
    expect(startedAt[2]! - startedAt[1]!).toBeGreaterThanOrEqual(99);
  });

  it('drops the event after the retries when the function has no on-failure destination (Lambda\'s default)', async () => {
    const destinations = new LocalDestinationQueues();
    const logged: string[] = [];
    let calls = 0;
    const asyncInvoker = new LocalAsyncInvoker({
      invoke: async () => {
        calls++;
        throw new Error('always');
      },
      configs: new Map(),
      destinations,
      now: () => LOCAL_NOW,
      retryDelaysMs: [0],
      log: (line) => void logged.push(line),
    });
    expect(await asyncInvoker.invoke('Unconfigured', {})).toEqual({ succeeded: false, attempts: 3, errorType: 'Error' });
    expect(calls).toBe(3);
    expect(destinations.list(10)).toEqual([]);
    expect(logged.at(-1)).toMatch(/no on-failure destination; the event is dropped/);
  });
});
