import { describe, expect, it } from 'vitest';
import { LocalClock } from '../../infra/local/clock.ts';
import { MAX_RESPONSE_PAYLOAD_BYTES } from '../../infra/local/lambda-limits.ts';
import { LocalLambdaRuntime } from '../../infra/local/lambda-runtime.ts';
import { LocalStepFunctions } from '../../infra/local/step-functions.ts';
import { localFunctionArn, localStateMachineArn, type FunctionModel, type StateMachineModel } from '../../infra/local/template.ts';
import type { WaitingEvent } from '../support/fixtures/waiting-handler.ts';
import { REPO_ROOT } from '../support/local-stack.ts';

/**
 * The local Lambda runtime enforces each function's Timeout as Lambda does. The handler waits on
 * purpose (1.5 s against a 1 s timeout), so no test depends on how fast the machine is: timers
 * fire in deadline order however busy the machine is.
 */
const WAITING: FunctionModel = {
  logicalId: 'Waiting',
  entry: 'test/support/fixtures/waiting-handler.ts',
  exportName: 'handler',
  timeoutSeconds: 1,
  environment: {},
};
const OUTLIVES_TIMEOUT_MS = 1500;

/** A runtime with the waiting function, and the lines it logs (resolving `nextLine` as they come). */
function runtimeWithLog() {
  const lines: string[] = [];
  let announce: (line: string) => void = () => {};
  const nextLine = () => new Promise<string>((resolve) => (announce = resolve));
  const runtime = new LocalLambdaRuntime({ functions: new Map([[WAITING.logicalId, WAITING]]) }, REPO_ROOT, (line) => {
    lines.push(line);
    announce(line);
  });
  return { runtime, lines, nextLine };
}

const event = (e: WaitingEvent) => e;

describe('local Lambda runtime: the function timeout', () => {
  it('answers within the timeout, with a context whose remaining time counts down from it', async () => {
    const { runtime } = runtimeWithLog();
    const result = (await runtime.invoke('Waiting', event({ key: 'quick', waitMs: 0 }), { requestId: 'req-quick' })) as Record<string, number>;
    expect(result).toMatchObject({ call: 1, requestId: 'req-quick' });
    expect(result['remainingAtStart']).toBeGreaterThan(0);
    expect(result['remainingAtStart']).toBeLessThanOrEqual(1000);
  });

  it('fails a handler still running at its deadline with Sandbox.Timedout, and ignores its late result', async () => {
    const { runtime, lines, nextLine } = runtimeWithLog();
    const late = nextLine();
    await expect(
      runtime.invoke('Waiting', event({ key: 'late-result', waitMs: OUTLIVES_TIMEOUT_MS }), { requestId: 'req-late' }),
    ).rejects.toMatchObject({ name: 'Sandbox.Timedout', message: 'RequestId: req-late Error: Task timed out after 1.00 seconds' });
    // The handler cannot be stopped in-process: it runs on, and its answer goes nowhere but one log line.
    expect(await late).toMatch(/^Waiting \(request req-late\) returned after its 1 s timeout; ignored/);
    expect(lines).toHaveLength(1);
  });

  it('logs, and does not surface, an error thrown after the deadline', async () => {
    const { runtime, nextLine } = runtimeWithLog();
    const late = nextLine();
    await expect(runtime.invoke('Waiting', event({ key: 'late-error', waitMs: OUTLIVES_TIMEOUT_MS, fail: true }))).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
    });
    expect(await late).toMatch(/threw Error: call 1 failed as asked after its 1 s timeout/);
  });

  it('passes an error thrown in time through with its own name', async () => {
    const { runtime, lines } = runtimeWithLog();
    await expect(runtime.invoke('Waiting', event({ key: 'early-error', waitMs: 0, fail: true }))).rejects.toMatchObject({
      name: 'Error',
      message: 'call 1 failed as asked',
    });
    expect(lines).toEqual([]);
  });

  it('refuses a response above the 6 MB synchronous payload limit', async () => {
    const { runtime } = runtimeWithLog();
    await expect(
      runtime.invoke('Waiting', event({ key: 'big', waitMs: 0, padChars: MAX_RESPONSE_PAYLOAD_BYTES })),
    ).rejects.toMatchObject({ name: 'Function.ResponseSizeTooLarge' });
  });
});

describe('a Step Functions Task on a function that times out', () => {
  const machine = (definition: Record<string, unknown>): StateMachineModel => ({
    logicalId: 'TimeoutMachine',
    arn: localStateMachineArn('TimeoutMachine'),
    type: 'EXPRESS',
    definition,
    taskFunctions: new Map([['CallWaiting', WAITING.logicalId]]),
  });
  const task = (fields: Record<string, unknown>) => ({ Type: 'Task', Resource: localFunctionArn(WAITING.logicalId), ...fields });
  const run = (model: StateMachineModel, input: WaitingEvent) =>
    new LocalStepFunctions([model], runtimeWithLog().runtime, new LocalClock()).runSync(model.arn, input);

  it('retries on Sandbox.Timedout, as a Retry that names it does on AWS', async () => {
    const model = machine({
      StartAt: 'CallWaiting',
      States: { CallWaiting: task({ Retry: [{ ErrorEquals: ['Sandbox.Timedout'], IntervalSeconds: 1, MaxAttempts: 1 }], End: true }) },
    });
    const execution = await run(model, { key: 'sfn-retry', waitMs: OUTLIVES_TIMEOUT_MS, slowCalls: 1 });
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toMatchObject({ call: 2 });
    expect(execution.events.filter((e) => e.error?.Error === 'Sandbox.Timedout')).toHaveLength(1);
  });

  it('is a task failure: Catch on States.TaskFailed catches it', async () => {
    const model = machine({
      StartAt: 'CallWaiting',
      States: {
        CallWaiting: task({ Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Caught' }], End: true }),
        Caught: { Type: 'Pass', End: true },
      },
    });
    const execution = await run(model, { key: 'sfn-catch', waitMs: OUTLIVES_TIMEOUT_MS });
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toMatchObject({ failure: { Error: 'Sandbox.Timedout', Cause: expect.stringContaining('Task timed out after 1.00 seconds') } });
  });
});

describe('local Lambda runtime: one invocation per container, as on Lambda', () => {
  const CONTAINER: FunctionModel = { ...WAITING, logicalId: 'Container', entry: 'test/support/fixtures/container-handler.ts' };
  const runtimeOf = () => new LocalLambdaRuntime({ functions: new Map([[CONTAINER.logicalId, CONTAINER]]) }, REPO_ROOT, () => {});
  const invoke = async (runtime: LocalLambdaRuntime, waitMs: number) =>
    ((await runtime.invoke('Container', { waitMs })) as { containerId: string }).containerId;
  const disposed = async () => (await import('../support/fixtures/container-handler.ts')).disposedContainers;

  it('gives concurrent invocations containers of their own, and reuses a warm one afterwards', async () => {
    const runtime = runtimeOf();
    // Each waits long enough to overlap the others however slowly they start: each holds its container meanwhile.
    const concurrent = await Promise.all([invoke(runtime, 200), invoke(runtime, 200), invoke(runtime, 200)]);
    expect(new Set(concurrent).size).toBe(3);
    expect(concurrent).toContain(await invoke(runtime, 0));
    expect(runtime.containers()).toEqual({ started: 3, live: 3 });
    await runtime.stop();
    expect(await disposed()).toEqual(expect.arrayContaining(concurrent));
    expect(runtime.containers().live).toBe(0);
  });

  it('never reuses the container of a timed-out invocation, and closes it once its handler ends', async () => {
    const runtime = runtimeOf();
    const disposedBefore = (await disposed()).length; // other tests' containers are in the same list
    const timedOut = runtime.invoke('Container', { waitMs: OUTLIVES_TIMEOUT_MS });
    await expect(timedOut).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    const next = await invoke(runtime, 0);
    expect(runtime.containers().started).toBe(2);
    await expect.poll(async () => (await disposed()).length).toBe(disposedBefore + 1);
    expect(await disposed()).not.toContain(next);
    await runtime.stop();
  });
});

describe('local Lambda runtime: each function sees its own environment, as on Lambda', () => {
  const OWNER: FunctionModel = { ...WAITING, logicalId: 'Owner', entry: 'test/support/fixtures/container-handler.ts' };
  const OTHER: FunctionModel = { ...OWNER, logicalId: 'Other' };

  it("gives a function's containers its own variables and none of another function's", async () => {
    const runtime = new LocalLambdaRuntime(
      { functions: new Map([[OWNER.logicalId, OWNER], [OTHER.logicalId, OTHER]]) },
      REPO_ROOT,
      () => {},
      new Map([[OWNER.logicalId, { GOOD_SWIPE_TEST_ONLY: 'owner' }]]),
    );
    const valueIn = async (fn: string) => ((await runtime.invoke(fn, { waitMs: 0, variable: 'GOOD_SWIPE_TEST_ONLY' })) as { value: unknown }).value;
    expect(await valueIn('Owner')).toBe('owner');
    // A variable only another function's template sets is missing here, so reading it fails locally as on AWS.
    expect(await valueIn('Other')).toBeNull();
    expect(process.env['GOOD_SWIPE_TEST_ONLY']).toBeUndefined();
    await runtime.stop();
  });
});

describe('local Lambda runtime: concurrency limits, as Lambda throttles', () => {
  const RESERVED: FunctionModel = { ...WAITING, logicalId: 'Reserved', entry: 'test/support/fixtures/container-handler.ts', reservedConcurrency: 1 };
  const runtime = () => new LocalLambdaRuntime({ functions: new Map([[RESERVED.logicalId, RESERVED]]) }, REPO_ROOT, () => {});

  it('refuses an invocation past the reserved concurrency, unrun, and admits the next once one ends', async () => {
    const local = runtime();
    // The first holds its one slot for longer than the second takes to be refused, however slow the machine.
    const first = local.invoke('Reserved', { waitMs: 300 });
    await expect(local.invoke('Reserved', { waitMs: 0 })).rejects.toMatchObject({ name: 'Lambda.TooManyRequestsException' });
    await first;
    await expect(local.invoke('Reserved', { waitMs: 0 })).resolves.toMatchObject({ containerId: expect.any(String) });
    expect(local.containers().started).toBe(1);
    await local.stop();
  });
});
