import type http from 'node:http';
import { createAwsJsonServer } from './aws-json-server.ts';
import { stepFunctionsApi } from './step-functions-api.ts';
import type { LocalStepFunctions } from './step-functions.ts';

/**
 * The local Step Functions endpoint (STEPFUNCTIONS_ENDPOINT, and `--endpoint-url` for the AWS
 * CLI): see step-functions-api.ts for the operations.
 */
export function createStepFunctionsServer(stepFunctions: LocalStepFunctions): http.Server {
  return createAwsJsonServer({
    name: 'Step Functions',
    contentType: 'application/x-amz-json-1.0',
    call: (target, body) => stepFunctionsApi(stepFunctions, target, body),
    tooLarge: { __type: 'ValidationException', message: 'the request is over the size limit' },
  });
}
