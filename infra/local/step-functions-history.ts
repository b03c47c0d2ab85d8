import type { StateMachine } from 'aws-local-stepfunctions';

type EventLogs = ReturnType<StateMachine['run']>['eventLogs'];
/** One event of aws-local-stepfunctions' log (StateEntered, StateExited, MapIterationStarted...). */
export type EventLog = EventLogs extends AsyncGenerator<infer E> ? E : never;

/**
 * One event of an execution's history, in the shape GetExecutionHistory answers it: `type`, `id`
 * (1, 2, ...), `previousEventId`, and at most one `<kind>EventDetails` member whose inputs and
 * outputs are JSON strings. The timestamp is the local clock's (ISO); the API sends epoch seconds.
 */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: string;
  readonly type: string;
  readonly [details: `${string}EventDetails`]: Record<string, unknown>;
}

/** How an execution ended, as its last history event says. */
export type ExecutionEnd =
  | { readonly status: 'SUCCEEDED'; readonly output: unknown }
  | { readonly status: 'FAILED' | 'TIMED_OUT' | 'ABORTED'; readonly error?: string; readonly cause?: string };

/** What a Task state's resource was called with, and what it answered (set when it answers). */
export interface TaskCall {
  readonly input: unknown;
  output?: unknown;
}

interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly InputPath?: string | null;
  readonly ItemsPath?: string;
  readonly ItemProcessor?: { readonly States: Record<string, AslState> };
  readonly Iterator?: { readonly States: Record<string, AslState> };
  readonly Branches?: readonly { readonly States: Record<string, AslState> }[];
}

/** Every state of an ASL definition by name, those of Map item processors and Parallel branches too (names are unique). */
export function statesOf(definition: { readonly States: Record<string, unknown> }): Map<string, AslState> {
  const found = new Map<string, AslState>();
  const visit = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      found.set(name, state);
      const nested = [state.ItemProcessor ?? state.Iterator, ...(state.Branches ?? [])].filter((m) => m !== undefined);
      nested.forEach((machine) => visit(machine.States));
    }
  };
  visit(definition.States as Record<string, AslState>);
  return found;
}

const ROOT = 'root';
const json = (value: unknown) => JSON.stringify(value ?? null);
const text = (cause: unknown) => (typeof cause === 'string' ? cause : JSON.stringify(cause));
const dataDetails = { truncated: false } as const;

/**
 * Writes an execution's history as Step Functions does, from aws-local-stepfunctions' event log
 * (its own events are coarser: StateEntered, StateExited, StateFailed, StateRetried...) and from
 * the calls its Task states made:
 * - a state is `<Type>StateEntered` / `<Type>StateExited` (a Fail state only enters);
 * - a Task whose Resource is a Lambda function ARN writes LambdaFunctionScheduled, -Started,
 *   -Succeeded / -Failed / -TimedOut (what AWS writes for that form); one with a service
 *   integration (`arn:aws:states:::...`) TaskScheduled, TaskStarted, TaskSucceeded / TaskFailed /
 *   TaskTimedOut; a retry writes another Scheduled and Started;
 * - a Map writes MapStateEntered, MapStateStarted (length), MapIterationStarted / -Succeeded /
 *   -Failed per item, MapStateSucceeded / MapStateFailed, MapStateExited;
 * - previousEventId links each event to the one before it in its own thread (the execution's, or
 *   one Map iteration's); as on AWS, the first state entered and ExecutionAborted point at 0.
 */
export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  /** Task calls made and not yet matched with their Entered/Retried event, per state name. */
  private readonly pendingCalls = new Map<string, TaskCall[]>();
  /** Per thread: the id of its last event, the call its running Task made and whether that call failed. */
  private readonly threads = new Map<string, { last: number; call?: TaskCall; callFailed?: boolean }>();
  /** The thread of the last event written. */
  private lastThread = ROOT;

  constructor(
    private readonly states: ReadonlyMap<string, AslState>,
    private readonly context: { readonly roleArn: string; readonly region: string },
    private readonly now: () => Date,
  ) {}

  /**
   * A Task state's resource is being called. The engine's task handler reports it synchronously,
   * before the library's log hands over the StateEntered (or StateRetried) that caused it: the
   * library calls the handler in the same turn as it logs that event, and the log is read later.
   * Iterations of one Map state that run the same Task at once are told apart by order only.
   */
  taskCalled(stateName: string, input: unknown): TaskCall {
    const call: TaskCall = { input };
    const queue = this.pendingCalls.get(stateName) ?? [];
    queue.push(call);
    this.pendingCalls.set(stateName, queue);
    return call;
  }

  record(event: EventLog): void {
    switch (event.type) {
      case 'ExecutionStarted':
        this.add(ROOT, 'ExecutionStarted', {
          executionStartedEventDetails: { input: json(event.input), inputDetails: dataDetails, roleArn: this.context.roleArn },
        });
        this.threadOf(ROOT).last = 0; // the first state entered points at 0, as on AWS
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const details = { name: event.parentState.name, index: event.index };
        const key = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails` as const;
        // Each Map state's iteration n is a new thread: it starts from the Map's own events.
        if (event.type === 'MapIterationStarted') this.threads.delete(String(event.index));
        this.add(String(event.index), event.type, { [key]: details });
        return;
      }
      case 'StateEntered':
        return this.entering(event.index, event.state.name, event.state.type, event.state.input);
      case 'StateExited':
        return this.exiting(event.index, event.state.name, event.state.type, event.state.output);
      case 'StateFailed':
        return this.failing(event.index, event.state.name, event.state.type, event.Error, event.Cause);
      case 'StateRetried':
        if (event.state.type === 'Task') this.taskStarts(threadKey(event.index), event.state.name);
        return;
      default:
        // The execution's own end is written by finish(); Parallel branches and catches write nothing.
        return;
    }
  }

  /** The execution's last event: ExecutionSucceeded, -Failed, -TimedOut or -Aborted. */
  finish(end: ExecutionEnd): void {
    if (end.status === 'SUCCEEDED') {
      this.add(ROOT, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: json(end.output), outputDetails: dataDetails } });
      return;
    }
    const details = { ...(end.error === undefined ? {} : { error: end.error }), ...(end.cause === undefined ? {} : { cause: end.cause }) };
    if (end.status === 'FAILED') this.add(ROOT, 'ExecutionFailed', { executionFailedEventDetails: details });
    if (end.status === 'TIMED_OUT') this.add(ROOT, 'ExecutionTimedOut', { executionTimedOutEventDetails: details });
    // AWS links ExecutionAborted to no event.
    if (end.status === 'ABORTED') this.add(ROOT, 'ExecutionAborted', { executionAbortedEventDetails: details }, 0);
  }

  private entering(index: number | undefined, name: string, type: string, input: unknown): void {
    const thread = threadKey(index);
    this.add(thread, `${type}StateEntered`, { stateEnteredEventDetails: { name, input: json(input), inputDetails: dataDetails } });
    if (type === 'Task') this.taskStarts(thread, name);
    if (type === 'Map') {
      const length = itemsOf(this.states.get(name), input)?.length;
      this.add(thread, 'MapStateStarted', { mapStateStartedEventDetails: length === undefined ? {} : { length } });
    }
    if (type === 'Parallel') this.add(thread, 'ParallelStateStarted', {});
  }

  private exiting(index: number | undefined, name: string, type: string, output: unknown): void {
    const thread = threadKey(index);
    const { call, callFailed } = this.threadOf(thread);
    // A caught failure exits the Task too, with no success of its call.
    if (type === 'Task' && !callFailed) {
      this.taskEvent(thread, name, 'Succeeded', { output: json(call ? call.output : output), outputDetails: dataDetails });
    }
    if (type === 'Map' || type === 'Parallel') this.add(thread, `${type}StateSucceeded`, {});
    this.add(thread, `${type}StateExited`, { stateExitedEventDetails: { name, output: json(output), outputDetails: dataDetails } });
  }

  private failing(index: number | undefined, name: string, type: string, error: string, cause: unknown): void {
    const thread = threadKey(index);
    const details = { error, cause: text(cause) };
    if (type === 'Task') {
      this.threadOf(thread).callFailed = true;
      this.taskEvent(thread, name, error === 'States.Timeout' ? 'TimedOut' : 'Failed', details);
    }
    if (type === 'Map' || type === 'Parallel') this.add(thread, `${type}StateFailed`, {});
    // Other states write nothing of their own: the execution's failure, or the Catch's next state, follows.
  }

  /** A Task's call is scheduled and started (first try or a retry). */
  private taskStarts(thread: string, name: string): void {
    const call = this.pendingCalls.get(name)?.shift();
    Object.assign(this.threadOf(thread), { call, callFailed: false });
    const state = this.states.get(name);
    const timeout = state?.TimeoutSeconds === undefined ? {} : { timeoutInSeconds: state.TimeoutSeconds };
    const lambda = lambdaArn(state);
    if (lambda) {
      this.add(thread, 'LambdaFunctionScheduled', {
        lambdaFunctionScheduledEventDetails: { resource: lambda, input: json(call?.input), inputDetails: dataDetails, ...timeout },
      });
      this.add(thread, 'LambdaFunctionStarted', {});
      return;
    }
    const resource = serviceResource(state);
    this.add(thread, 'TaskScheduled', {
      taskScheduledEventDetails: { ...resource, region: this.context.region, parameters: json(call?.input), ...timeout },
    });
    this.add(thread, 'TaskStarted', { taskStartedEventDetails: resource });
  }

  /** The end of a Task's call: Succeeded, Failed or TimedOut, in the Lambda or service form. */
  private taskEvent(thread: string, name: string, outcome: 'Succeeded' | 'Failed' | 'TimedOut', details: Record<string, unknown>): void {
    const state = this.states.get(name);
    if (lambdaArn(state)) {
      this.add(thread, `LambdaFunction${outcome}`, { [`lambdaFunction${outcome}EventDetails`]: details });
    } else {
      this.add(thread, `Task${outcome}`, { [`task${outcome}EventDetails`]: { ...serviceResource(state), ...details } });
    }
  }

  private threadOf(key: string) {
    let thread = this.threads.get(key);
    if (!thread) {
      // An iteration's first event follows the last event of the execution's own thread.
      thread = { last: this.threads.get(ROOT)?.last ?? 0 };
      this.threads.set(key, thread);
    }
    return thread;
  }

  private add(key: string, type: string, details: Record<string, unknown>, previous?: number): void {
    const thread = this.threadOf(key);
    const id = this.events.length + 1;
    // Back on the execution's own thread after a Map's iterations: the latest event came before.
    const previousEventId = previous ?? (key === ROOT && this.lastThread !== ROOT ? this.events.length : thread.last);
    this.events.push({ id, previousEventId, timestamp: this.now().toISOString(), type, ...nonEmpty(details) } as HistoryEvent);
    thread.last = id;
    this.lastThread = key;
  }
}

const threadKey = (index: number | undefined) => (index === undefined ? ROOT : String(index));

/** Drops details members that carry nothing: AWS omits e.g. LambdaFunctionStarted's. */
function nonEmpty(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, v]) => typeof v === 'object' && v !== null && Object.keys(v).length > 0));
}

function lambdaArn(state: AslState | undefined): string | undefined {
  return state?.Resource?.match(/^arn:aws[\w-]*:lambda:/) ? state.Resource : undefined;
}

/** `arn:aws:states:::lambda:invoke` -> resourceType `lambda`, resource `invoke`, as TaskScheduled names them. */
function serviceResource(state: AslState | undefined): { resourceType: string; resource: string } {
  const [resourceType = 'unknown', ...rest] = (state?.Resource ?? '').split(':::')[1]?.split(':') ?? [];
  return { resourceType, resource: rest.join(':') };
}

/** The items a Map state iterates: its ItemsPath (a plain `$.a.b` path) of its input. */
function itemsOf(state: AslState | undefined, input: unknown): unknown[] | undefined {
  if (!state) return undefined;
  let value = input;
  for (const path of [state.InputPath ?? '$', state.ItemsPath ?? '$']) {
    if (!/^\$(\.[A-Za-z_][\w-]*)*$/.test(path)) return undefined;
    for (const key of path.split('.').slice(1)) value = (value as Record<string, unknown> | undefined)?.[key];
  }
  return Array.isArray(value) ? value : undefined;
}
