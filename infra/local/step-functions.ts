import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LocalClock } from './clock.ts';
import type { LocalLambdaRuntime } from './lambda-runtime.ts';
import type { StateMachineModel } from './template.ts';

type EventLogs = ReturnType<StateMachine['run']>['eventLogs'];

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ExecutionEvent {
  readonly state: string;
  readonly type: string;
  readonly timestamp: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: { readonly Error: string; readonly Cause: unknown };
}

export interface Execution {
  readonly executionId: string;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  status: ExecutionStatus;
  readonly startedAt: string;
  stoppedAt?: string;
  readonly input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  readonly events: ExecutionEvent[];
}

/** Executions kept for `/_local/executions`, newest first; older ones are dropped. */
const KEEP_EXECUTIONS = 1000;

/**
 * The local stand-in for Step Functions: the very ASL of the template runs in
 * aws-local-stepfunctions, each Task state bound to the function the template names, and every
 * execution is kept with its state-by-state history (the console's view).
 */
export class LocalStepFunctions {
  private readonly machines: Map<string, { model: StateMachineModel; machine: StateMachine }>;
  private readonly executions: Execution[] = [];

  constructor(
    models: readonly StateMachineModel[],
    private readonly runtime: LocalLambdaRuntime,
    private readonly clock: LocalClock,
  ) {
    this.machines = new Map(
      models.map((model) => [model.arn, { model, machine: new StateMachine(model.definition as never) }]),
    );
  }

  has(stateMachineArn: string): boolean {
    return this.machines.has(stateMachineArn);
  }

  /** Runs an execution to its end, as StartSyncExecution does. */
  async runSync(stateMachineArn: string, input: unknown): Promise<Execution> {
    const entry = this.machines.get(stateMachineArn);
    if (!entry) throw new Error(`no state machine ${stateMachineArn}`);
    const executionId = randomUUID();
    const execution: Execution = {
      executionId,
      executionArn: `${stateMachineArn.replace(':stateMachine:', ':express:')}:${executionId}:${executionId}`,
      stateMachineArn,
      status: 'RUNNING',
      startedAt: this.clock.now().toISOString(),
      input,
      events: [],
    };
    this.remember(execution);

    const taskHandlers = Object.fromEntries(
      [...entry.model.taskFunctions].map(([state, fn]) => [state, (stateInput: unknown) => this.runtime.invoke(fn, stateInput)]),
    );
    const run = entry.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: taskHandlers as never },
    });
    const history = this.record(execution, run.eventLogs);
    try {
      execution.output = await run.result;
      execution.status = 'SUCCEEDED';
    } catch (error) {
      const failure = error as Error & { cause?: unknown };
      execution.status = 'FAILED';
      // ExecutionError wraps the state's error; its name is the ASL error (States.*, a step's name).
      const inner = (failure.cause ?? failure) as Error;
      execution.error = inner.name;
      execution.cause = typeof inner.cause === 'string' ? inner.cause : inner.message;
    }
    await history;
    execution.stoppedAt = this.clock.now().toISOString();
    return execution;
  }

  list(limit: number): Execution[] {
    return this.executions.slice(0, limit);
  }

  get(executionId: string): Execution | undefined {
    return this.executions.find((e) => e.executionId === executionId);
  }

  private remember(execution: Execution): void {
    this.executions.unshift(execution);
    this.executions.length = Math.min(this.executions.length, KEEP_EXECUTIONS);
  }

  private async record(execution: Execution, events: EventLogs): Promise<void> {
    for await (const event of events) {
      if (!('state' in event)) continue; // execution-level events are the record's own status
      execution.events.push({
        state: event.state.name,
        type: event.type,
        timestamp: this.clock.now().toISOString(),
        ...(event.type === 'StateEntered' ? { input: event.state.input } : {}),
        ...(event.type === 'StateExited' ? { output: event.state.output } : {}),
        ...('Error' in event ? { error: { Error: event.Error, Cause: event.Cause } } : {}),
      });
    }
  }
}
