import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from './tracer.ts';

/**
 * A Step Functions client: AWS's endpoint, or the local stack's (STEPFUNCTIONS_ENDPOINT). A custom
 * endpoint is used as it is: StartSyncExecution's `sync-` host prefix would not resolve locally.
 * Traced on Lambda: each call is a subsegment, and its trace header carries the trace into the
 * saga's and the workflows' executions (their state machines have X-Ray tracing on).
 */
export function stepFunctionsClient(endpoint?: string): SFNClient {
  return tracer.captureAWSv3Client(new SFNClient(endpoint ? { endpoint, disableHostPrefix: true } : {}));
}
