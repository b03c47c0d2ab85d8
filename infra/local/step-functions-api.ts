import type { LocalStepFunctions } from './step-functions.ts';

/**
 * The part of the Step Functions API the functions call, as the AWS SDK speaks it (JSON 1.0
 * protocol): StartSyncExecution, so the enter function's SFNClient call runs unchanged.
 */
export async function stepFunctionsApi(
  stepFunctions: LocalStepFunctions,
  target: string,
  rawBody: string,
): Promise<{ status: number; body: unknown }> {
  if (target !== 'AWSStepFunctions.StartSyncExecution') {
    return { status: 400, body: { __type: 'UnknownOperationException', message: `${target} is not served locally` } };
  }
  const request = JSON.parse(rawBody || '{}') as { stateMachineArn?: string; input?: string; name?: string };
  if (!request.stateMachineArn || !stepFunctions.has(request.stateMachineArn)) {
    return { status: 400, body: { __type: 'StateMachineDoesNotExist', message: `no state machine ${request.stateMachineArn}` } };
  }
  const input = JSON.parse(request.input ?? '{}');
  const execution = await stepFunctions.runSync(request.stateMachineArn, input);
  const seconds = (iso: string | undefined) => (iso ? new Date(iso).getTime() / 1000 : undefined);
  return {
    status: 200,
    body: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: request.name ?? execution.executionId,
      startDate: seconds(execution.startedAt),
      stopDate: seconds(execution.stoppedAt),
      status: execution.status,
      input: JSON.stringify(execution.input),
      ...(execution.output === undefined ? {} : { output: JSON.stringify(execution.output) }),
      ...(execution.error === undefined ? {} : { error: execution.error, cause: execution.cause }),
    },
  };
}
