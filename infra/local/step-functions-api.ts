import { StepFunctionsError, type Execution, type LocalStepFunctions } from './step-functions.ts';

type ApiAnswer = { status: number; body: unknown };

interface StartRequest {
  readonly stateMachineArn?: string;
  readonly input?: string;
  readonly name?: string;
  readonly executionArn?: string;
}

const seconds = (iso: string | undefined) => (iso ? new Date(iso).getTime() / 1000 : undefined);

/** An execution as DescribeExecution and StartSyncExecution answer it. */
function describe(execution: Execution): Record<string, unknown> {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    startDate: seconds(execution.startedAt),
    stopDate: seconds(execution.stoppedAt),
    status: execution.status,
    input: JSON.stringify(execution.input),
    ...(execution.output === undefined ? {} : { output: JSON.stringify(execution.output) }),
    ...(execution.error === undefined ? {} : { error: execution.error, cause: execution.cause }),
  };
}

const operations: Record<string, (sfn: LocalStepFunctions, request: StartRequest) => Promise<ApiAnswer> | ApiAnswer> = {
  'AWSStepFunctions.StartSyncExecution': async (sfn, request) => ({
    status: 200,
    body: describe(await sfn.runSync(String(request.stateMachineArn), JSON.parse(request.input ?? '{}'))),
  }),
  'AWSStepFunctions.StartExecution': (sfn, request) => {
    const execution = sfn.start(String(request.stateMachineArn), JSON.parse(request.input ?? '{}'), request.name);
    return { status: 200, body: { executionArn: execution.executionArn, startDate: seconds(execution.startedAt) } };
  },
  'AWSStepFunctions.DescribeExecution': (sfn, request) => {
    const execution = sfn.get(String(request.executionArn));
    if (!execution) return { status: 400, body: { __type: 'ExecutionDoesNotExist', message: `no execution ${request.executionArn}` } };
    return { status: 200, body: describe(execution) };
  },
};

/**
 * The part of the Step Functions API the functions call, as the AWS SDK speaks it (JSON 1.0
 * protocol, the operation in X-Amz-Target): StartSyncExecution (the entry saga), StartExecution
 * (the seal workflow) and DescribeExecution, so the functions' SFNClient calls run unchanged.
 */
export async function stepFunctionsApi(stepFunctions: LocalStepFunctions, target: string, rawBody: string): Promise<ApiAnswer> {
  const operation = operations[target];
  if (!operation) return { status: 400, body: { __type: 'UnknownOperationException', message: `${target} is not served locally` } };
  try {
    return await operation(stepFunctions, JSON.parse(rawBody || '{}') as StartRequest);
  } catch (error) {
    if (error instanceof StepFunctionsError) return { status: 400, body: { __type: error.name, message: error.message } };
    throw error;
  }
}
