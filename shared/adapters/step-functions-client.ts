import { SFNClient } from '@aws-sdk/client-sfn';

/**
 * A Step Functions client: AWS's endpoint, or the local stack's (STEPFUNCTIONS_ENDPOINT). A custom
 * endpoint is used as it is: StartSyncExecution's `sync-` host prefix would not resolve locally.
 */
export function stepFunctionsClient(endpoint?: string): SFNClient {
  return new SFNClient(endpoint ? { endpoint, disableHostPrefix: true } : {});
}
