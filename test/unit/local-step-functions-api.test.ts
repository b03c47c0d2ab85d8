import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalClock } from '../../infra/local/clock.ts';
import { controlRoutes, type ControlDeps } from '../../infra/local/control-routes.ts';
import { listenLocally } from '../../infra/local/http-io.ts';
import type { LocalLambdaRuntime } from '../../infra/local/lambda-runtime.ts';
import type { StateMachineFacts } from '../../infra/local/step-functions-catalog.ts';
import { createStepFunctionsServer } from '../../infra/local/step-functions-server.ts';
import { LocalStepFunctions } from '../../infra/local/step-functions.ts';
import type { StateMachineModel } from '../../infra/local/template.ts';

const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const arnOf = (name: string) => `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;

/** Plan (a Task with Parameters and ResultPath) -> a Choice -> a Map over the plan's items -> Succeed. */
const flow = {
  StartAt: 'Plan',
  States: {
    Plan: { Type: 'Task', Resource: fn('plan'), Parameters: { 'day.$': '$.day' }, ResultPath: '$.plan', TimeoutSeconds: 5, Next: 'HasItems' },
    HasItems: { Type: 'Choice', Choices: [{ Variable: '$.plan.count', NumericGreaterThan: 0, Next: 'Each' }], Default: 'Done' },
    Each: {
      Type: 'Map',
      ItemsPath: '$.plan.items',
      MaxConcurrency: 1,
      ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Item', States: { Item: { Type: 'Task', Resource: fn('item'), End: true } } },
      ResultPath: '$.results',
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

/** A step that fails once, is retried, fails again and is caught into a Fail state. */
const failing = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: fn('charge'),
      Retry: [{ ErrorEquals: ['TransientError'], MaxAttempts: 1, IntervalSeconds: 0 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Refund' }],
      Next: 'Charged',
    },
    Charged: { Type: 'Succeed' },
    Refund: { Type: 'Task', Resource: fn('refund'), ResultPath: null, Next: 'Failed' },
    Failed: { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
  },
};

/** A step that waits for the test's go, then a step that must not run once the execution is stopped. */
const gated = {
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Task', Resource: fn('hold'), Next: 'After' },
    After: { Type: 'Task', Resource: fn('after'), End: true },
  },
};

const express = { StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: fn('echo'), End: true } } };
/** An Express workflow whose one step never answers: it runs into its own TimeoutSeconds. */
const stuck = { StartAt: 'Stall', TimeoutSeconds: 1, States: { Stall: { Type: 'Task', Resource: fn('stall'), End: true } } };

const model = (name: string, type: 'STANDARD' | 'EXPRESS', definition: any): StateMachineModel => ({
  logicalId: name,
  arn: arnOf(name),
  type,
  definition,
  taskFunctions: new Map(
    [...Object.entries(definition.States as Record<string, any>), ...Object.entries((definition.States.Each?.ItemProcessor?.States ?? {}) as Record<string, any>)]
      .filter(([, s]) => s.Type === 'Task')
      .map(([state, s]) => [state, String(s.Resource).split(':').at(-1)!]),
  ),
});

class TransientError extends Error {
  override name = 'TransientError';
}

let release!: () => void;
const calls: string[] = [];
const functions: Record<string, (input: any) => Promise<unknown>> = {
  plan: async ({ day }) => ({ day, count: 2, items: [{ n: 1 }, { n: 2 }] }),
  item: async ({ n }) => ({ doubled: n * 2 }),
  charge: async () => {
    throw new TransientError('the ledger is busy');
  },
  refund: async () => ({ refunded: true }),
  hold: async (input) => {
    await new Promise<void>((resolve) => (release = resolve));
    return input;
  },
  after: async (input) => {
    calls.push('after');
    return input;
  },
  echo: async (input) => ({ echoed: input }),
  stall: () => new Promise(() => {}),
};
const runtime = { invoke: (name: string, input: unknown) => functions[name]!(input) } as unknown as LocalLambdaRuntime;

const sealFacts: StateMachineFacts = {
  name: 'good-swipe-test-flow',
  definition: JSON.stringify(flow),
  roleArn: 'arn:aws:iam::000000000000:role/FlowRole',
  loggingConfiguration: {
    level: 'ALL',
    includeExecutionData: true,
    destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/vendedlogs/states/flow:*' } }],
  },
  tracingConfiguration: { enabled: true },
};

const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => ({ name: error.name, message: error.message }),
  );

describe('the local Step Functions API, through the AWS SDK', () => {
  let sfn: LocalStepFunctions;
  let client: SFNClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    sfn = new LocalStepFunctions(
      [model('Flow', 'STANDARD', flow), model('Failing', 'STANDARD', failing), model('Gated', 'STANDARD', gated), model('Echo', 'EXPRESS', express), model('Stuck', 'EXPRESS', stuck)],
      runtime,
      new LocalClock(),
      new Map([[arnOf('Flow'), sealFacts]]),
    );
    const listener = await listenLocally(createStepFunctionsServer(sfn), 0);
    close = listener.close;
    client = new SFNClient({
      endpoint: `http://127.0.0.1:${listener.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      disableHostPrefix: true,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await close?.();
  });

  it('lists and describes the state machines: name, type, definition, role, logging', async () => {
    const first = await client.send(new ListStateMachinesCommand({ maxResults: 3 }));
    expect(first.stateMachines).toHaveLength(3);
    expect(first.nextToken).toEqual(expect.any(String));
    const rest = await client.send(new ListStateMachinesCommand({ maxResults: 3, nextToken: first.nextToken }));
    expect(rest.nextToken).toBeUndefined();
    const all = [...first.stateMachines!, ...rest.stateMachines!];
    expect(all.map((m) => m.name)).toEqual(['Echo', 'Failing', 'Gated', 'Stuck', 'good-swipe-test-flow']);
    expect(all.find((m) => m.name === 'Echo')).toMatchObject({ type: 'EXPRESS', stateMachineArn: arnOf('Echo'), creationDate: expect.any(Date) });

    const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn: arnOf('Flow') }));
    expect(described).toMatchObject({
      stateMachineArn: arnOf('Flow'),
      name: 'good-swipe-test-flow',
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn: sealFacts.roleArn,
      loggingConfiguration: sealFacts.loggingConfiguration,
      tracingConfiguration: { enabled: true },
      creationDate: expect.any(Date),
    });
    expect(JSON.parse(described.definition!)).toEqual(flow);

    expect(await errorOf(client.send(new DescribeStateMachineCommand({ stateMachineArn: arnOf('Nope') })))).toEqual({
      name: 'StateMachineDoesNotExist',
      message: `State Machine Does Not Exist: '${arnOf('Nope')}'`,
    });
    expect(await errorOf(client.send(new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' })))).toEqual({
      name: 'InvalidArn',
      message: "Invalid Arn: 'Invalid ARN prefix: not-an-arn'",
    });
  });

  it('writes the history Step Functions writes: types, ids, previous ids, each event\'s details', async () => {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: arnOf('Flow'), name: 'day-1', input: '{"day":"2026-03-01"}' }));
    expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:Flow:day-1');
    await sfn.get(executionArn!)!.done;

    const { events, nextToken } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(nextToken).toBeUndefined();
    const lambda = ['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded'];
    const item = (index: number) => ['MapIterationStarted', 'TaskStateEntered', ...lambda, 'TaskStateExited', 'MapIterationSucceeded'].map((t) => `${t}${t.startsWith('Map') ? index : ''}`);
    expect(events!.map((e) => `${e.type}${e.type!.startsWith('MapIteration') ? e.mapIterationStartedEventDetails?.index ?? e.mapIterationSucceededEventDetails?.index : ''}`)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered', ...lambda, 'TaskStateExited',
      'ChoiceStateEntered', 'ChoiceStateExited',
      'MapStateEntered', 'MapStateStarted', ...item(0), ...item(1), 'MapStateSucceeded', 'MapStateExited',
      'SucceedStateEntered', 'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events!.map((e) => e.id)).toEqual(events!.map((_, i) => i + 1));
    const byType = (type: string) => events!.filter((e) => e.type === type);
    const [started, entered, scheduled, lambdaStarted, succeeded, exited] = events! as HistoryEvent[];
    expect(started).toMatchObject({ previousEventId: 0, timestamp: expect.any(Date), executionStartedEventDetails: { input: '{"day":"2026-03-01"}', roleArn: sealFacts.roleArn } });
    // As on AWS, the first state entered points at no event; every other at the one it follows.
    expect(entered).toMatchObject({ previousEventId: 0, stateEnteredEventDetails: { name: 'Plan', input: '{"day":"2026-03-01"}' } });
    expect(scheduled).toMatchObject({ previousEventId: 2, lambdaFunctionScheduledEventDetails: { resource: fn('plan'), input: '{"day":"2026-03-01"}', timeoutInSeconds: 5 } });
    expect(lambdaStarted).toMatchObject({ previousEventId: 3 });
    expect(lambdaStarted!.lambdaFunctionSucceededEventDetails).toBeUndefined();
    // The function's own answer, then the state's output after its ResultPath.
    const planned = { day: '2026-03-01', count: 2, items: [{ n: 1 }, { n: 2 }] };
    expect(JSON.parse(succeeded!.lambdaFunctionSucceededEventDetails!.output!)).toEqual(planned);
    expect(JSON.parse(exited!.stateExitedEventDetails!.output!)).toEqual({ day: '2026-03-01', plan: planned });
    expect(byType('MapStateStarted')[0]!.mapStateStartedEventDetails).toEqual({ length: 2 });
    expect(byType('MapIterationStarted')[0]).toMatchObject({ previousEventId: byType('MapStateStarted')[0]!.id, mapIterationStartedEventDetails: { name: 'Each', index: 0 } });
    expect(byType('LambdaFunctionScheduled')[2]!.lambdaFunctionScheduledEventDetails!.input).toBe('{"n":2}');
    expect(JSON.parse(events!.at(-1)!.executionSucceededEventDetails!.output!).results).toEqual([{ doubled: 2 }, { doubled: 4 }]);

    // Newest first, in pages, and without the data when asked.
    const newest = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 10 }));
    expect(newest.events!.map((e) => e.id)).toEqual(events!.map((e) => e.id).reverse().slice(0, 10));
    const next = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 10, nextToken: newest.nextToken }));
    expect(next.events![0]!.id).toBe(events!.length - 10);
    const bare = await client.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));
    expect(bare.events![1]!.stateEnteredEventDetails).toEqual({ name: 'Plan' });

    expect(await client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      executionArn,
      stateMachineArn: arnOf('Flow'),
      name: 'day-1',
      status: 'SUCCEEDED',
      startDate: expect.any(Date),
      stopDate: expect.any(Date),
      input: '{"day":"2026-03-01"}',
    });
  });

  it('writes a failed try, its retry and the catch, and the failed end with its error and cause', async () => {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: arnOf('Failing'), input: '{}' }));
    await sfn.get(executionArn!)!.done;
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events!.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed',
      'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'TaskStateExited',
      'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(events![4]!.lambdaFunctionFailedEventDetails).toMatchObject({ error: 'TransientError', cause: expect.stringContaining('the ledger is busy') });
    expect(events!.at(-1)!.executionFailedEventDetails).toMatchObject({ error: 'TransientError', cause: expect.stringContaining('the ledger is busy') });
    expect(await client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'FAILED', error: 'TransientError' });
  });

  it('lists a Standard machine\'s executions newest first, by status, in pages', async () => {
    const arns: string[] = [];
    for (const n of [1, 2, 3]) {
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: arnOf('Failing'), name: `try-${n}` }));
      arns.push(executionArn!);
      await sfn.get(executionArn!)!.done;
    }
    const failed = await client.send(new ListExecutionsCommand({ stateMachineArn: arnOf('Failing'), statusFilter: 'FAILED', maxResults: 2 }));
    expect(failed.executions!.map((e) => e.name)).toEqual(['try-3', 'try-2']);
    expect(failed.executions![0]).toMatchObject({ executionArn: arns[2], stateMachineArn: arnOf('Failing'), status: 'FAILED', startDate: expect.any(Date), stopDate: expect.any(Date) });
    const more = await client.send(new ListExecutionsCommand({ stateMachineArn: arnOf('Failing'), statusFilter: 'FAILED', maxResults: 2, nextToken: failed.nextToken }));
    expect(more.executions!.map((e) => e.name)).toContain('try-1');
    expect((await client.send(new ListExecutionsCommand({ stateMachineArn: arnOf('Failing'), statusFilter: 'SUCCEEDED' }))).executions).toEqual([]);

    expect(await errorOf(client.send(new ListExecutionsCommand({ stateMachineArn: arnOf('Failing'), statusFilter: 'failed' as never })))).toMatchObject({
      name: 'ValidationException',
    });
    expect(await errorOf(client.send(new ListExecutionsCommand({ stateMachineArn: arnOf('Failing'), nextToken: 'bogus' })))).toMatchObject({ name: 'InvalidToken' });
    expect(await errorOf(client.send(new ListExecutionsCommand({ stateMachineArn: arnOf('Nope') })))).toMatchObject({ name: 'StateMachineDoesNotExist' });

    // The same store as the console's `/_local/executions`.
    const local = await controlRoutes['GET /_local/executions']!({ stepFunctions: sfn } as ControlDeps, {
      body: {},
      params: {},
      query: new URLSearchParams({ stateMachineArn: arnOf('Failing'), status: 'FAILED', limit: '3' }),
    });
    expect((local.body as { items: { executionArn: string }[] }).items.map((e) => e.executionArn)).toEqual([...arns].reverse());
  });

  it('stops a running Standard execution: ABORTED at once, no further state runs', async () => {
    calls.length = 0;
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: arnOf('Gated'), name: 'held', input: '{"a":1}' }));
    while (!sfn.get(executionArn!)!.history.some((e) => e.type === 'LambdaFunctionStarted')) await new Promise((r) => setTimeout(r, 10));
    const stopped = await client.send(new StopExecutionCommand({ executionArn, error: 'Operator', cause: 'stopped by the test' }));
    expect(stopped.stopDate).toEqual(expect.any(Date));
    expect(await client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'stopped by the test' });
    release(); // the running step finishes; its result is not used and the next state never starts
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toEqual([]);
    const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
    expect(events![0]).toMatchObject({ type: 'ExecutionAborted', previousEventId: 0, executionAbortedEventDetails: { error: 'Operator', cause: 'stopped by the test' } });
    // Stopping it again changes nothing.
    await client.send(new StopExecutionCommand({ executionArn }));
    expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('ABORTED');
    expect(await errorOf(client.send(new StopExecutionCommand({ executionArn: `${executionArn}-nope` })))).toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('runs Express executions synchronously, and refuses what AWS refuses for them', async () => {
    const sync = await client.send(new StartSyncExecutionCommand({ stateMachineArn: arnOf('Echo'), input: '{"x":1}' }));
    expect(sync).toMatchObject({ status: 'SUCCEEDED', output: '{"echoed":{"x":1}}', executionArn: expect.stringContaining(':express:Echo:') });
    const refused = { name: 'InvalidArn', message: "Invalid Arn: 'Resource type not valid in this context: express'" };
    expect(await errorOf(client.send(new DescribeExecutionCommand({ executionArn: sync.executionArn })))).toEqual(refused);
    expect(await errorOf(client.send(new GetExecutionHistoryCommand({ executionArn: sync.executionArn })))).toEqual(refused);
    expect(await errorOf(client.send(new StopExecutionCommand({ executionArn: sync.executionArn })))).toEqual(refused);
    expect(await errorOf(client.send(new ListExecutionsCommand({ stateMachineArn: arnOf('Echo') })))).toEqual({
      name: 'StateMachineTypeNotSupported',
      message: 'This operation is not supported by this type of state machine',
    });
    expect(await errorOf(client.send(new StartSyncExecutionCommand({ stateMachineArn: arnOf('Flow') })))).toMatchObject({ name: 'StateMachineTypeNotSupported' });
    // Its history is kept all the same, for the console (on AWS: the state machine's CloudWatch log).
    expect(sfn.get(sync.executionArn!)!.history.map((e) => e.type)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
  });

  it('answers TIMED_OUT for an execution that runs past its TimeoutSeconds', async () => {
    const timedOut = await client.send(new StartSyncExecutionCommand({ stateMachineArn: arnOf('Stuck'), input: '{}' }));
    expect(timedOut).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(timedOut.output).toBeUndefined();
    expect(sfn.get(timedOut.executionArn!)!.history.at(-1)).toMatchObject({ type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: 'States.Timeout' } });
  });

  it('names its errors as the service does', async () => {
    expect(await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: arnOf('Flow'), input: 'not json' })))).toMatchObject({
      name: 'InvalidExecutionInput',
      message: expect.stringMatching(/^Invalid State Machine Execution Input: '/),
    });
    expect(await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: arnOf('Flow'), name: 'a:b' })))).toEqual({ name: 'InvalidName', message: "Invalid Name: 'a:b'" });
    await client.send(new StartExecutionCommand({ stateMachineArn: arnOf('Failing'), name: 'once' }));
    await sfn.settled();
    expect(await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: arnOf('Failing'), name: 'once' })))).toMatchObject({ name: 'ExecutionAlreadyExists' });
    expect(await errorOf(client.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:Flow:never' })))).toEqual({
      name: 'ExecutionDoesNotExist',
      message: "Execution Does Not Exist: 'arn:aws:states:us-east-1:000000000000:execution:Flow:never'",
    });
    expect(await errorOf(client.send(new DescribeExecutionCommand({ executionArn: arnOf('Flow') })))).toMatchObject({ name: 'InvalidArn' });
    expect(await errorOf(client.send(new CreateStateMachineCommand({ name: 'x', definition: '{}', roleArn: 'arn:aws:iam::000000000000:role/x' })))).toMatchObject({
      name: 'UnknownOperationException',
    });
  });
});
