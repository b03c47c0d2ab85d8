import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** A route's function failed (it threw, timed out or ran out of memory): no answer of its own to pass on. */
export class RouteFunctionFailed extends Error {
  constructor(
    readonly functionName: string,
    readonly functionError: string,
    readonly payload: string,
  ) {
    super(`${functionName} failed (${functionError}): ${payload.slice(0, 500)}`);
    this.name = 'RouteFunctionFailed';
  }
}

/** Invokes a function synchronously (RequestResponse) with a JSON event and resolves with its JSON answer. */
export type FunctionInvoker = (functionName: string, event: unknown) => Promise<unknown>;

/** A FunctionInvoker on the Lambda API (in the LocalStack variant, LocalStack's: AWS_ENDPOINT_URL). */
export function lambdaInvoker(client: LambdaClient): FunctionInvoker {
  return async (functionName, event) => {
    const response = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(event)) }));
    const payload = response.Payload ? new TextDecoder().decode(response.Payload) : '';
    if (response.FunctionError) throw new RouteFunctionFailed(functionName, response.FunctionError, payload);
    return payload === '' ? null : (JSON.parse(payload) as unknown);
  };
}
