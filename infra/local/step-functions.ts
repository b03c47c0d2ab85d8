import { randomUUID } from 'node:crypto';
import { ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { LocalClock } from './clock.ts';
import type { LocalLambdaRuntime } from './lambda-runtime.ts';
import { defaultFacts, type StateMachineFacts } from './step-functions-catalog.ts';
import { ExecutionHistory, statesOf, type ExecutionEnd, type HistoryEvent } from './step-functions-history.ts';
import type { StateMachineModel } from './template.ts';

type EventLogs = ReturnType<StateMachine['run']>['eventLogs'];

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

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
  /** Its history as GetExecutionHistory answers it (for an Express execution: what its CloudWatch log would hold). */
  readonly history: readonly HistoryEvent[];
  /** How many events the history holds (a Standard one fails past 25,000). */
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

/** Executions kept per state machine, newest first; older ones are dropped (an entry rush keeps the seal's). */
const KEEP_EXECUTIONS = 1000;

/** Step Functions API errors, named as the service names them. */
export class StepFunctionsError extends Error {
  constructor(
    override readonly name:
      | 'StateMachineDoesNotExist'
      | 'ExecutionAlreadyExists'
      | 'ExecutionDoesNotExist'
      | 'InvalidExecutionInput'
      | 'InvalidArn'
      | 'InvalidName'
      | 'InvalidToken'
      | 'StateMachineTypeNotSupported'
      | 'ValidationException',
    message: string,
  ) {
    super(message);
  }
}

/** A state machine as DescribeStateMachine and the console show it. */
export interface StateMachineView extends StateMachineFacts {
  readonly stateMachineArn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly status: 'ACTIVE';
  readonly creationDate: string;
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
  private readonly machines: Map<string, { model: StateMachineModel; machine: StateMachine; view: StateMachineView }>;
  private readonly executions: Execution[] = [];
  /** Standard execution names in use (AWS keeps them 90 days; locally, for the stack's life). */
  private readonly names = new Map<string, Execution>();
  /** How to stop each running execution (StopExecution), by execution ARN. */
  private readonly stoppers = new Map<string, (error?: string, cause?: string) => void>();

  /** `facts`: each state machine's name, role and logging from the template (defaults where missing). */
  constructor(
    models: readonly StateMachineModel[],
    private readonly runtime: LocalLambdaRuntime,
    private readonly clock: LocalClock,
    facts: ReadonlyMap<string, StateMachineFacts> = new Map(),
  ) {
    const creationDate = clock.now().toISOString();
    this.machines = new Map(
      models.map((model) => {
        const view: StateMachineView = {
          stateMachineArn: model.arn,
          type: model.type,
          status: 'ACTIVE',
          creationDate,
          ...(facts.get(model.arn) ?? defaultFacts(model)),
        };
        return [model.arn, { model, machine: new StateMachine(withServiceLimits(model) as never), view }];
      }),
    );
  }

  has(stateMachineArn: string): boolean {
    return this.machines.has(stateMachineArn);
  }

  /** Every state machine of the template, by name. */
  stateMachines(): StateMachineView[] {
    return [...this.machines.values()].map((m) => m.view).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  stateMachine(stateMachineArn: string): StateMachineView | undefined {
    return this.machines.get(stateMachineArn)?.view;
  }

  /** StartExecution: returns at once; the execution runs on. A Standard name is used once. */
  start(stateMachineArn: string, input: unknown, name?: string): Execution {
    const { model } = this.machineOf(stateMachineArn);
    if (name !== undefined && model.type === 'STANDARD') {
      const existing = this.names.get(`${stateMachineArn}:${name}`);
      if (existing) {
        // Idempotent for a running execution with the same input, as on AWS; refused otherwise.
        if (existing.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(input)) return existing;
        throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.executionArn}'`);
      }
    }
    const execution = this.run(stateMachineArn, input, name);
    if (name !== undefined && model.type === 'STANDARD') this.names.set(`${stateMachineArn}:${name}`, execution);
    return execution;
  }

  /** StartSyncExecution: runs an Express execution to its end (Express names need not be unique). */
  async runSync(stateMachineArn: string, input: unknown, name?: string): Promise<Execution> {
    const { model } = this.machineOf(stateMachineArn);
    if (model.type !== 'EXPRESS') {
      throw new StepFunctionsError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    }
    const execution = this.run(stateMachineArn, input, name);
    await execution.done;
    return execution;
  }

  /** Resolves once no execution is running (each one that is, or was started meanwhile, has stopped). */
  async settled(): Promise<void> {
    for (let running = this.executions.filter((e) => e.status === 'RUNNING'); running.length > 0; running = this.executions.filter((e) => e.status === 'RUNNING')) {
      await Promise.all(running.map((e) => e.done));
    }
  }

  /**
   * StopExecution: a running execution becomes ABORTED at once, and runs no further state (a Task
   * already running finishes on its own, its result unused, as a Lambda invocation does on AWS).
   * A stopped one is left as it is.
   */
  stop(executionArn: string, error?: string, cause?: string): Execution {
    const execution = this.get(executionArn);
    if (!execution) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    this.stoppers.get(execution.executionArn)?.(error, cause);
    return execution;
  }

  list(limit: number, filter: { stateMachineArn?: string; status?: ExecutionStatus } = {}): Execution[] {
    return this.executions
      .filter((e) => (filter.stateMachineArn === undefined || e.stateMachineArn === filter.stateMachineArn) && (filter.status === undefined || e.status === filter.status))
      .slice(0, limit);
  }

  get(executionId: string): Execution | undefined {
    return this.executions.find((e) => e.executionId === executionId || e.executionArn === executionId);
  }

  private machineOf(stateMachineArn: string) {
    const entry = this.machines.get(stateMachineArn);
    if (!entry) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return entry;
  }

  private run(stateMachineArn: string, input: unknown, name?: string): Execution {
    const { model, machine, view } = this.machineOf(stateMachineArn);
    if (jsonBytes(input) > STEP_FUNCTIONS_LIMITS.payloadBytes) {
      throw new StepFunctionsError('InvalidExecutionInput', 'the execution input is over 256 KiB');
    }
    const executionId = randomUUID();
    const executionName = name ?? executionId;
    const kind = model.type === 'EXPRESS' ? 'express' : 'execution';
    const base = stateMachineArn.replace(':stateMachine:', `:${kind}:`);
    let settle!: () => void;
    const history = new ExecutionHistory(statesOf(model.definition as { States: Record<string, unknown> }), { roleArn: view.roleArn, region: stateMachineArn.split(':')[3]! }, () => this.clock.now());
    const execution: Execution = {
      executionId,
      name: executionName,
      executionArn: model.type === 'EXPRESS' ? `${base}:${executionName}:${executionId}` : `${base}:${executionName}`,
      stateMachineArn,
      status: 'RUNNING',
      startedAt: this.clock.now().toISOString(),
      input,
      events: [],
      history: history.events,
      historyEvents: 0,
      done: new Promise<void>((resolve) => (settle = resolve)),
    };
    this.remember(execution);

    // Each Task's call is told to the history as it is made (see ExecutionHistory.taskCalled).
    const taskHandlers = Object.fromEntries(
      [...model.taskFunctions].map(([state, fn]) => [
        state,
        async (stateInput: unknown) => {
          const call = history.taskCalled(state, stateInput);
          call.output = await this.runtime.invoke(fn, stateInput);
          return call.output;
        },
      ]),
    );
    const run = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: taskHandlers as never, waitTimeOverrides: everyWait(LOCAL_WAIT_MS) },
    });
    let limitBreach: ExecutionFailure | undefined;
    let stopRequest: { error?: string; cause?: string } | undefined;
    let resultSettled = false;
    this.stoppers.set(execution.executionArn, (error, cause) => {
      if (resultSettled) return; // it ended already: a stop changes nothing
      stopRequest ??= { ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) };
      run.abort();
    });
    const recorded = this.record(execution, history, run.eventLogs, (failure) => {
      limitBreach ??= failure;
      run.abort();
    });
    void (async () => {
      let end = await endOf(run.result);
      resultSettled = true;
      // The log is read as the execution runs: a limit passed by its last state shows up here.
      await recorded.catch(() => undefined);
      if (limitBreach) end = failureEnd(limitBreach);
      else if (stopRequest) end = { status: 'ABORTED', ...stopRequest };
      this.stoppers.delete(execution.executionArn);
      history.finish(end);
      execution.historyEvents = history.events.length;
      if (end.status === 'SUCCEEDED') execution.output = end.output;
      else Object.assign(execution, end.error === undefined ? {} : { error: end.error }, end.cause === undefined ? {} : { cause: end.cause });
      execution.stoppedAt = this.clock.now().toISOString();
      execution.status = end.status;
      settle();
    })();
    return execution;
  }

  /** Keeps the newest executions of each state machine, so that one machine's rush does not push out another's. */
  private remember(execution: Execution): void {
    this.executions.unshift(execution);
    const ofMachine = this.executions.filter((e) => e.stateMachineArn === execution.stateMachineArn);
    if (ofMachine.length > KEEP_EXECUTIONS) this.executions.splice(this.executions.lastIndexOf(ofMachine.at(-1)!), 1);
  }

  private async record(execution: Execution, history: ExecutionHistory, events: EventLogs, breach: (failure: ExecutionFailure) => void): Promise<void> {
    const standard = execution.executionArn.includes(':execution:');
    for await (const event of events) {
      history.record(event);
      execution.historyEvents = history.events.length;
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

/** How an execution's run ended, from the library's result: its output, a timeout, or the state's error. */
async function endOf(result: Promise<unknown>): Promise<ExecutionEnd> {
  try {
    return { status: 'SUCCEEDED', output: await result };
  } catch (error) {
    if (error instanceof ExecutionTimeoutError) {
      return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' };
    }
    // ExecutionError wraps the state's error; its name is the ASL error (States.*, a step's name).
    return failureEnd(((error as Error & { cause?: unknown }).cause ?? error) as Error);
  }
}

function failureEnd(failure: Error & { causeText?: string; cause?: unknown }): ExecutionEnd {
  return { status: 'FAILED', error: failure.name, cause: failure.causeText ?? (typeof failure.cause === 'string' ? failure.cause : failure.message) };
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
