import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * A Step Functions client: AWS's endpoint, or the local stack's (STEPFUNCTIONS_ENDPOINT). A custom
 * endpoint is used as it is: StartSyncExecution's `sync-` host prefix would not resolve locally.
 * On Lambda the SDK sends the invocation's trace header with each call, so the trace goes on into
 * the saga's and the workflows' executions (their state machines have X-Ray tracing on).
 */
export function stepFunctionsClient(endpoint?: string): SFNClient {
  return new SFNClient(endpoint ? { endpoint, disableHostPrefix: true } : {});
}
