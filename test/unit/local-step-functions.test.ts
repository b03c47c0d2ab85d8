import { describe, expect, it } from 'vitest';
import { LocalClock } from '../../infra/local/clock.ts';
import type { LocalLambdaRuntime } from '../../infra/local/lambda-runtime.ts';
import { LOCAL_WAIT_MS, LocalStepFunctions, STEP_FUNCTIONS_LIMITS, StepFunctionsError, withServiceLimits } from '../../infra/local/step-functions.ts';
import type { StateMachineModel } from '../../infra/local/template.ts';

/** The Lambda runtime as the stand-in sees it: one function per name, here plain async functions. */
function runtimeOf(functions: Record<string, (input: any) => Promise<unknown>>): LocalLambdaRuntime {
  return { invoke: (fn: string, input: unknown) => functions[fn]!(input) } as unknown as LocalLambdaRuntime;
}

const machine = (type: 'STANDARD' | 'EXPRESS', definition: Record<string, unknown>, taskFunctions: Record<string, string>): StateMachineModel => ({
  logicalId: `M${type}`,
  arn: `arn:aws:states:us-east-1:000000000000:stateMachine:M${type}`,
  type,
  definition,
  taskFunctions: new Map(Object.entries(taskFunctions)),
});

const oneTask = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:work', End: true } } };

describe('the local Step Functions stand-in enforces what Step Functions enforces', () => {
  it('uses a Standard execution name once: the same running start is idempotent, a later one is refused', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const model = machine('STANDARD', oneTask, { Work: 'work' });
    const sfn = new LocalStepFunctions([model], runtimeOf({ work: async (input) => (await gate, input) }), new LocalClock());
    const first = sfn.start(model.arn, { day: 1 }, 'seal-day');
    expect(sfn.start(model.arn, { day: 1 }, 'seal-day')).toBe(first);
    expect(() => sfn.start(model.arn, { day: 2 }, 'seal-day')).toThrow(StepFunctionsError);
    release();
    await first.done;
    expect(first).toMatchObject({ status: 'SUCCEEDED', output: { day: 1 }, executionArn: expect.stringContaining(':execution:MSTANDARD:seal-day') });
    expect(() => sfn.start(model.arn, { day: 1 }, 'seal-day')).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
  });

  it('serves StartSyncExecution for Express state machines only', async () => {
    const standard = machine('STANDARD', oneTask, { Work: 'work' });
    const sfn = new LocalStepFunctions([standard], runtimeOf({ work: async (input) => input }), new LocalClock());
    await expect(sfn.runSync(standard.arn, {})).rejects.toMatchObject({ name: 'StateMachineTypeNotSupported' });
    expect(() => sfn.start('arn:aws:states:us-east-1:000000000000:stateMachine:Nope', {})).toThrow(expect.objectContaining({ name: 'StateMachineDoesNotExist' }));
  });

  it('fails an execution whose state data passes 256 KiB with States.DataLimitExceeded', async () => {
    const model = machine('STANDARD', oneTask, { Work: 'work' });
    const sfn = new LocalStepFunctions([model], runtimeOf({ work: async () => ({ blob: 'x'.repeat(STEP_FUNCTIONS_LIMITS.payloadBytes) }) }), new LocalClock());
    const execution = sfn.start(model.arn, {});
    await execution.done;
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(() => sfn.start(model.arn, { blob: 'x'.repeat(STEP_FUNCTIONS_LIMITS.payloadBytes) })).toThrow(expect.objectContaining({ name: 'InvalidExecutionInput' }));
  });

  it('fails a Standard execution whose history passes 25,000 events', async () => {
    const loop = {
      StartAt: 'Count',
      States: {
        Count: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:count', Next: 'Enough' },
        Enough: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThanEquals: 10_000, Next: 'Done' }], Default: 'Count' },
        Done: { Type: 'Succeed' },
      },
    };
    const model = machine('STANDARD', loop, { Count: 'count' });
    const sfn = new LocalStepFunctions([model], runtimeOf({ count: async ({ n }) => ({ n: n + 1 }) }), new LocalClock());
    const execution = sfn.start(model.arn, { n: 0 });
    await execution.done;
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(execution.historyEvents).toBeGreaterThan(STEP_FUNCTIONS_LIMITS.historyEvents);
  }, 120_000);

  it('runs an inline Map 40 iterations at once at most, whatever MaxConcurrency says', async () => {
    const map = {
      StartAt: 'Fan',
      States: {
        Fan: { Type: 'Map', MaxConcurrency: 100, ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Item', States: { Item: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:item', End: true } } }, End: true },
      },
    };
    let running = 0;
    let most = 0;
    const model = machine('STANDARD', map, { Item: 'item' });
    const sfn = new LocalStepFunctions(
      [model],
      runtimeOf({
        item: async (i) => {
          most = Math.max(most, ++running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
          return i;
        },
      }),
      new LocalClock(),
    );
    const execution = sfn.start(model.arn, Array.from({ length: 120 }, (_, i) => i));
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(most).toBe(STEP_FUNCTIONS_LIMITS.inlineMapConcurrency);
  });

  it('stops an Express execution at 5 minutes, and pauses a Wait state for the local poll only', async () => {
    expect(withServiceLimits(machine('EXPRESS', oneTask, {})).TimeoutSeconds).toBe(300);
    expect(withServiceLimits(machine('EXPRESS', { ...oneTask, TimeoutSeconds: 25 }, {})).TimeoutSeconds).toBe(25);
    expect(withServiceLimits(machine('STANDARD', oneTask, {})).TimeoutSeconds).toBeUndefined();
    const wait = { StartAt: 'Hour', States: { Hour: { Type: 'Wait', Seconds: 3600, End: true } } };
    const model = machine('STANDARD', wait, {});
    const execution = new LocalStepFunctions([model], runtimeOf({}), new LocalClock()).start(model.arn, {});
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(LOCAL_WAIT_MS).toBeLessThan(3600_000);
  });
});
