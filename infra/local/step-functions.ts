import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import type { LocalClock } from './clock.ts';
import type { LocalLambdaRuntime } from './lambda-runtime.ts';
import type { StateMachineModel } from './template.ts';

type EventLogs = ReturnType<StateMachine['run']>['eventLogs'];
type EventLog = EventLogs extends AsyncGenerator<infer E> ? E : never;

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
  readonly name: string;
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
  /** The events Step Functions would have written to this execution's history (see historyEventsOf). */
  historyEvents: number;
  /** Settles when the execution stops. */
  readonly done: Promise<void>;
}

/**
 * What Step Functions enforces, enforced here too (AWS Step Functions quotas):
 * - a state's input or output, and an execution's input, is at most 256 KiB (States.DataLimitExceeded);
 * - a Standard execution's history holds at most 25,000 events: past that the execution fails;
 * - an Express execution runs at most 5 minutes;
 * - an inline Map runs at most 40 iterations at once, whatever MaxConcurrency says;
 * - StartSyncExecution serves Express state machines only; a Standard execution name is used once.
 */
export const STEP_FUNCTIONS_LIMITS = {
  payloadBytes: 256 * 1024,
  historyEvents: 25_000,
  expressSeconds: 300,
  inlineMapConcurrency: 40,
} as const;

/**
 * A Wait state pauses this long in real time here, whatever its duration: the project's Wait
 * states are polls whose next step reads the local clock (CheckScores decides by `now()`), and
 * the local clock may be far from real time (`--clock`, `POST /_local/clock`). So a wait that
 * lasts 30 s on AWS is a 1 s pause locally, and moving the clock is what ends a deadline.
 */
export const LOCAL_WAIT_MS = 1_000;

/** Executions kept for `/_local/executions`, newest first; older ones are dropped. */
const KEEP_EXECUTIONS = 1000;

/** Step Functions API errors, named as the service names them. */
export class StepFunctionsError extends Error {
  constructor(
    override readonly name: 'StateMachineDoesNotExist' | 'ExecutionAlreadyExists' | 'InvalidExecutionInput' | 'StateMachineTypeNotSupported',
    message: string,
  ) {
    super(message);
  }
}

/** A failure the service raises inside an execution (its ASL error name and cause). */
class ExecutionFailure extends Error {
  constructor(
    override readonly name: string,
    readonly causeText: string,
  ) {
    super(causeText);
  }
}

/**
 * The local stand-in for Step Functions: the very ASL of the template runs in
 * aws-local-stepfunctions, each Task state bound to the function the template names, and every
 * execution is kept with its state-by-state history (the console's view). The adapter adds what
 * the library does not model: the service limits above, Standard executions started
 * asynchronously with unique names, and Wait states on the local clock.
 */
export class LocalStepFunctions {
  private readonly machines: Map<string, { model: StateMachineModel; machine: StateMachine }>;
  private readonly executions: Execution[] = [];
  /** Standard execution names in use (AWS keeps them 90 days; locally, for the stack's life). */
  private readonly names = new Map<string, Execution>();

  constructor(
    models: readonly StateMachineModel[],
    private readonly runtime: LocalLambdaRuntime,
    private readonly clock: LocalClock,
  ) {
    this.machines = new Map(
      models.map((model) => [model.arn, { model, machine: new StateMachine(withServiceLimits(model) as never) }]),
    );
  }

  has(stateMachineArn: string): boolean {
    return this.machines.has(stateMachineArn);
  }

  /** StartExecution: returns at once; the execution runs on. A Standard name is used once. */
  start(stateMachineArn: string, input: unknown, name?: string): Execution {
    const { model } = this.machineOf(stateMachineArn);
    if (name !== undefined && model.type === 'STANDARD') {
      const existing = this.names.get(`${stateMachineArn}:${name}`);
      if (existing) {
        // Idempotent for a running execution with the same input, as on AWS; refused otherwise.
        if (existing.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(input)) return existing;
        throw new StepFunctionsError('ExecutionAlreadyExists', `execution ${name} already exists`);
      }
    }
    const execution = this.run(stateMachineArn, input, name);
    if (name !== undefined && model.type === 'STANDARD') this.names.set(`${stateMachineArn}:${name}`, execution);
    return execution;
  }

  /** StartSyncExecution: runs an Express execution to its end. */
  async runSync(stateMachineArn: string, input: unknown): Promise<Execution> {
    const { model } = this.machineOf(stateMachineArn);
    if (model.type !== 'EXPRESS') {
      throw new StepFunctionsError('StateMachineTypeNotSupported', 'StartSyncExecution serves Express state machines only');
    }
    const execution = this.run(stateMachineArn, input);
    await execution.done;
    return execution;
  }

  /** Resolves once no execution is running (each one that is, or was started meanwhile, has stopped). */
  async settled(): Promise<void> {
    for (let running = this.executions.filter((e) => e.status === 'RUNNING'); running.length > 0; running = this.executions.filter((e) => e.status === 'RUNNING')) {
      await Promise.all(running.map((e) => e.done));
    }
  }

  list(limit: number): Execution[] {
    return this.executions.slice(0, limit);
  }

  get(executionId: string): Execution | undefined {
    return this.executions.find((e) => e.executionId === executionId || e.executionArn === executionId);
  }

  private machineOf(stateMachineArn: string) {
    const entry = this.machines.get(stateMachineArn);
    if (!entry) throw new StepFunctionsError('StateMachineDoesNotExist', `no state machine ${stateMachineArn}`);
    return entry;
  }

  private run(stateMachineArn: string, input: unknown, name?: string): Execution {
    const { model, machine } = this.machineOf(stateMachineArn);
    if (jsonBytes(input) > STEP_FUNCTIONS_LIMITS.payloadBytes) {
      throw new StepFunctionsError('InvalidExecutionInput', 'the execution input is over 256 KiB');
    }
    const executionId = randomUUID();
    const executionName = name ?? executionId;
    const kind = model.type === 'EXPRESS' ? 'express' : 'execution';
    const base = stateMachineArn.replace(':stateMachine:', `:${kind}:`);
    let settle!: () => void;
    const execution: Execution = {
      executionId,
      name: executionName,
      executionArn: model.type === 'EXPRESS' ? `${base}:${executionName}:${executionId}` : `${base}:${executionName}`,
      stateMachineArn,
      status: 'RUNNING',
      startedAt: this.clock.now().toISOString(),
      input,
      events: [],
      historyEvents: 0,
      done: new Promise<void>((resolve) => (settle = resolve)),
    };
    this.remember(execution);

    const taskHandlers = Object.fromEntries(
      [...model.taskFunctions].map(([state, fn]) => [state, (stateInput: unknown) => this.runtime.invoke(fn, stateInput)]),
    );
    const run = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: taskHandlers as never, waitTimeOverrides: everyWait(LOCAL_WAIT_MS) },
    });
    let limitBreach: ExecutionFailure | undefined;
    const history = this.record(execution, run.eventLogs, (failure) => {
      limitBreach ??= failure;
      run.abort();
    });
    const fail = (failure: Error & { causeText?: string; cause?: unknown }) => {
      execution.status = 'FAILED';
      execution.error = failure.name;
      execution.cause = failure.causeText ?? (typeof failure.cause === 'string' ? failure.cause : failure.message);
    };
    void (async () => {
      try {
        execution.output = await run.result;
        execution.status = 'SUCCEEDED';
      } catch (error) {
        // ExecutionError wraps the state's error; its name is the ASL error (States.*, a step's name).
        fail(((error as Error & { cause?: unknown }).cause ?? error) as Error);
      }
      // The log is read as the execution runs: a limit passed by its last state shows up here.
      await history.catch(() => undefined);
      if (limitBreach) {
        delete execution.output;
        fail(limitBreach);
      }
      execution.stoppedAt = this.clock.now().toISOString();
      settle();
    })();
    return execution;
  }

  private remember(execution: Execution): void {
    this.executions.unshift(execution);
    this.executions.length = Math.min(this.executions.length, KEEP_EXECUTIONS);
  }

  private async record(execution: Execution, events: EventLogs, breach: (failure: ExecutionFailure) => void): Promise<void> {
    const standard = execution.executionArn.includes(':execution:');
    for await (const event of events) {
      execution.historyEvents += historyEventsOf(event);
      if (standard && execution.historyEvents > STEP_FUNCTIONS_LIMITS.historyEvents) {
        breach(new ExecutionFailure('States.Runtime', 'the execution history reached 25,000 events (a Step Functions quota)'));
      }
      if (!('state' in event)) continue; // execution-level events are the record's own status
      const payload = event.type === 'StateEntered' ? event.state.input : event.type === 'StateExited' ? event.state.output : undefined;
      if (payload !== undefined && jsonBytes(payload) > STEP_FUNCTIONS_LIMITS.payloadBytes) {
        breach(new ExecutionFailure('States.DataLimitExceeded', `the ${event.state.name} state's data is over 256 KiB`));
      }
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

/**
 * How many events Step Functions writes to the history for one event of the library's log: a
 * Task writes TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded, TaskStateExited; a Map
 * MapStateEntered, MapStateStarted, MapStateSucceeded, MapStateExited; other states Entered and
 * Exited; a retry another TaskScheduled, TaskStarted, TaskFailed.
 */
export function historyEventsOf(event: EventLog): number {
  if (!('state' in event)) return 1; // execution started/succeeded/failed, map iteration started/succeeded/failed
  const type = event.state.type;
  if (event.type === 'StateEntered') return type === 'Task' ? 3 : type === 'Map' || type === 'Parallel' ? 2 : 1;
  if (event.type === 'StateExited') return type === 'Task' || type === 'Map' || type === 'Parallel' ? 2 : 1;
  if (event.type === 'StateRetried') return 3;
  return 1;
}

/** The ASL as the service runs it: Express executions stop at 5 minutes, inline Maps at 40 at once. */
export function withServiceLimits(model: StateMachineModel): Record<string, unknown> {
  const definition = structuredClone(model.definition) as { TimeoutSeconds?: number; States: Record<string, unknown> };
  if (model.type === 'EXPRESS') {
    definition.TimeoutSeconds = Math.min(definition.TimeoutSeconds ?? Infinity, STEP_FUNCTIONS_LIMITS.expressSeconds);
  }
  capInlineMaps(definition.States);
  return definition;
}

function capInlineMaps(states: Record<string, unknown>): void {
  for (const state of Object.values(states) as Record<string, any>[]) {
    if (state['Type'] !== 'Map') continue;
    const concurrency = Number(state['MaxConcurrency'] ?? 0);
    state['MaxConcurrency'] = concurrency > 0 ? Math.min(concurrency, STEP_FUNCTIONS_LIMITS.inlineMapConcurrency) : STEP_FUNCTIONS_LIMITS.inlineMapConcurrency;
    const processor = state['ItemProcessor'] ?? state['Iterator'];
    if (processor?.States) capInlineMaps(processor.States);
  }
}

/** waitTimeOverrides that give every Wait state the same pause (the library reads it by state name). */
function everyWait(ms: number): Record<string, number> {
  return new Proxy({}, { get: () => ms });
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}
