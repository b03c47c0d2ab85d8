import { EXECUTION_STATUSES, StepFunctionsError, type Execution, type ExecutionStatus, type LocalStepFunctions } from './step-functions.ts';
import type { HistoryEvent } from './step-functions-history.ts';

type ApiAnswer = { status: number; body: unknown };
type ApiRequest = Readonly<Record<string, unknown>>;

/** JSON 1.0 timestamps are epoch seconds. */
const seconds = (iso: string | undefined) => (iso ? new Date(iso).getTime() / 1000 : undefined);

const invalid = (message: string) => new StepFunctionsError('ValidationException', `1 validation error detected: ${message}`);

function required(request: ApiRequest, field: string): string {
  const value = request[field];
  if (typeof value !== 'string') throw invalid(`Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  return value;
}

const optionalString = (request: ApiRequest, field: string) => (typeof request[field] === 'string' ? (request[field] as string) : undefined);

/** The resource type of a Step Functions ARN (`stateMachine`, `execution`, `express`), or InvalidArn. */
function resourceTypeOf(arn: string): string {
  if (!arn.startsWith('arn:')) throw new StepFunctionsError('InvalidArn', `Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
  const match = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:(\w+):[\w.-]+(:[\w.-]+)*$/.exec(arn);
  if (!match) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${arn}'`);
  return match[1]!;
}

function stateMachineArnOf(request: ApiRequest): string {
  const arn = required(request, 'stateMachineArn');
  const type = resourceTypeOf(arn);
  if (type !== 'stateMachine') throw new StepFunctionsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${type}'`);
  return arn;
}

/**
 * The execution an operation of Standard executions names: Step Functions refuses an Express
 * execution's ARN (it keeps no record of Express executions) before it looks anything up.
 */
function standardExecutionOf(sfn: LocalStepFunctions, request: ApiRequest): Execution {
  const arn = required(request, 'executionArn');
  const type = resourceTypeOf(arn);
  if (type !== 'execution') throw new StepFunctionsError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${type}'`);
  const execution = sfn.get(arn);
  if (!execution) throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return execution;
}

function inputOf(request: ApiRequest): unknown {
  const input = request['input'] === undefined ? '{}' : request['input'];
  try {
    return JSON.parse(String(input));
  } catch (error) {
    throw new StepFunctionsError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
  }
}

/** Execution names: 1-80 characters, none of whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or control characters. */
function nameOf(request: ApiRequest): string | undefined {
  const name = optionalString(request, 'name');
  if (name === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  if (name.length < 1 || name.length > 80 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/.test(name)) {
    throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
  }
  return name;
}

/**
 * One page of a list, newest or first as the list is ordered: `maxResults` 1-1000 (0 or absent:
 * 100), `nextToken` naming the last item of the page before, so that items added meanwhile
 * (new executions, new history events) neither repeat nor skip.
 */
function pageOf<T>(items: readonly T[], request: ApiRequest, keyOf: (item: T) => string): { page: T[]; nextToken?: string } {
  const max = request['maxResults'] === undefined ? 0 : Number(request['maxResults']);
  if (!Number.isInteger(max) || max < 0 || max > 1000) {
    throw invalid(`Value '${String(request['maxResults'])}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  const size = max === 0 ? 100 : max;
  let from = 0;
  const token = optionalString(request, 'nextToken');
  if (token !== undefined) {
    let after: unknown;
    try {
      after = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')).after;
    } catch {
      // not a token this endpoint gave
    }
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw new StepFunctionsError('InvalidToken', `Invalid Token: '${token}'`);
    from = index + 1;
  }
  const page = items.slice(from, from + size);
  const more = from + size < items.length;
  return { page, ...(more ? { nextToken: Buffer.from(JSON.stringify({ after: keyOf(page.at(-1)!) })).toString('base64url') } : {}) };
}

/** An execution as DescribeExecution answers it: the output only once it succeeded. */
function describe(execution: Execution): Record<string, unknown> {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: seconds(execution.startedAt),
    ...(execution.stoppedAt ? { stopDate: seconds(execution.stoppedAt) } : {}),
    input: JSON.stringify(execution.input),
    inputDetails: { included: true },
    ...(execution.status === 'SUCCEEDED' ? { output: JSON.stringify(execution.output ?? null), outputDetails: { included: true } } : {}),
    ...(execution.error === undefined ? {} : { error: execution.error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
  };
}

/** A history event on the wire: epoch seconds; without inputs and outputs when includeExecutionData is false. */
function historyEventOnWire(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = { ...event, timestamp: seconds(event.timestamp) };
  if (includeData) return wire;
  for (const [key, value] of Object.entries(wire)) {
    if (!key.endsWith('EventDetails')) continue;
    const { input: _i, output: _o, parameters: _p, inputDetails: _id, outputDetails: _od, ...rest } = value as Record<string, unknown>;
    wire[key] = rest;
  }
  return wire;
}

function statusFilterOf(request: ApiRequest): ExecutionStatus | undefined {
  const filter = request['statusFilter'];
  if (filter === undefined) return undefined;
  if (!(EXECUTION_STATUSES as readonly unknown[]).includes(filter)) {
    throw invalid(`Value '${String(filter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${EXECUTION_STATUSES.join(', ')}]`);
  }
  return filter as ExecutionStatus;
}

const operations: Record<string, (sfn: LocalStepFunctions, request: ApiRequest) => Promise<unknown> | unknown> = {
  ListStateMachines: (sfn, request) => {
    const { page, nextToken } = pageOf(sfn.stateMachines(), request, (m) => m.stateMachineArn);
    const stateMachines = page.map((m) => ({ stateMachineArn: m.stateMachineArn, name: m.name, type: m.type, creationDate: seconds(m.creationDate) }));
    return { stateMachines, ...(nextToken ? { nextToken } : {}) };
  },

  DescribeStateMachine: (sfn, request) => {
    const arn = stateMachineArnOf(request);
    const machine = sfn.stateMachine(arn);
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    const { stateMachineArn, name, status, definition, roleArn, type, creationDate, loggingConfiguration, tracingConfiguration } = machine;
    return { stateMachineArn, name, status, definition, roleArn, type, creationDate: seconds(creationDate), loggingConfiguration, tracingConfiguration };
  },

  ListExecutions: (sfn, request) => {
    if (request['stateMachineArn'] === undefined) {
      throw new StepFunctionsError('ValidationException', 'Must provide a StateMachine ARN or a MapRun ARN');
    }
    const arn = stateMachineArnOf(request);
    const machine = sfn.stateMachine(arn);
    if (!machine) throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    // Step Functions keeps no list of Express executions (their record is the CloudWatch log).
    if (machine.type !== 'STANDARD') throw new StepFunctionsError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    const status = statusFilterOf(request);
    const executions = sfn.list(Infinity, { stateMachineArn: arn, ...(status ? { status } : {}) });
    const { page, nextToken } = pageOf(executions, request, (e) => e.executionArn);
    const items = page.map((e) => ({
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: seconds(e.startedAt),
      ...(e.stoppedAt ? { stopDate: seconds(e.stoppedAt) } : {}),
    }));
    return { executions: items, ...(nextToken ? { nextToken } : {}) };
  },

  DescribeExecution: (sfn, request) => describe(standardExecutionOf(sfn, request)),

  GetExecutionHistory: (sfn, request) => {
    const execution = standardExecutionOf(sfn, request);
    const events = request['reverseOrder'] === true ? [...execution.history].reverse() : execution.history;
    const { page, nextToken } = pageOf(events, request, (e) => String(e.id));
    const includeData = request['includeExecutionData'] !== false;
    return { events: page.map((e) => historyEventOnWire(e, includeData)), ...(nextToken ? { nextToken } : {}) };
  },

  StartExecution: (sfn, request) => {
    const arn = stateMachineArnOf(request);
    const execution = sfn.start(arn, inputOf(request), nameOf(request));
    return { executionArn: execution.executionArn, startDate: seconds(execution.startedAt) };
  },

  StartSyncExecution: async (sfn, request) => {
    const arn = stateMachineArnOf(request);
    const execution = await sfn.runSync(arn, inputOf(request), nameOf(request));
    const billed = Math.max(100, Math.ceil((Date.parse(execution.stoppedAt!) - Date.parse(execution.startedAt)) / 100) * 100);
    return { ...describe(execution), billingDetails: { billedDurationInMilliseconds: billed, billedMemoryUsedInMB: 64 } };
  },

  StopExecution: async (sfn, request) => {
    const execution = standardExecutionOf(sfn, request);
    sfn.stop(execution.executionArn, optionalString(request, 'error'), optionalString(request, 'cause'));
    await execution.done; // a stop takes effect at once: the next DescribeExecution says ABORTED
    return { stopDate: seconds(execution.stoppedAt) };
  },
};

/**
 * The Step Functions API as the AWS SDK and CLI speak it (JSON 1.0 protocol, the operation in
 * `X-Amz-Target: AWSStepFunctions.<Operation>`), over the same executions `/_local/executions`
 * shows. Errors are JSON 1.0 error bodies with the service's `__type` names. What AWS refuses
 * for Express state machines (ListExecutions, DescribeExecution, GetExecutionHistory,
 * StopExecution) is refused here too.
 */
export async function stepFunctionsApi(stepFunctions: LocalStepFunctions, target: string, rawBody: string): Promise<ApiAnswer> {
  const name = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
  const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
  if (!operation) return { status: 400, body: { __type: 'UnknownOperationException', message: `${target} is not served locally` } };
  const request = JSON.parse(rawBody || '{}') as unknown;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { status: 400, body: { __type: 'SerializationException', message: 'the body is not a JSON object' } };
  }
  try {
    return { status: 200, body: await operation(stepFunctions, request as ApiRequest) };
  } catch (error) {
    if (error instanceof StepFunctionsError) return { status: 400, body: { __type: error.name, message: error.message } };
    throw error;
  }
}
