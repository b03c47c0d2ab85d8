import http from 'node:http';
import { readBody, send } from './http-io.ts';
import { stepFunctionsApi } from './step-functions-api.ts';
import type { LocalStepFunctions } from './step-functions.ts';

const answer = (response: http.ServerResponse, status: number, body: unknown) =>
  send(response, status, { 'content-type': 'application/x-amz-json-1.0' }, JSON.stringify(body));

/**
 * The local Step Functions endpoint (STEPFUNCTIONS_ENDPOINT, and `--endpoint-url` for the AWS CLI):
 * the AWS SDK's JSON protocol, one POST per call with the operation in X-Amz-Target, on a
 * listener of its own so that no public route reaches it (see step-functions-api.ts for the
 * operations). A local control plane with no auth (as LocalStack's): on AWS, IAM guards it.
 */
export function createStepFunctionsServer(stepFunctions: LocalStepFunctions): http.Server {
  return http.createServer((request, response) => {
    const target = request.headers['x-amz-target'];
    readBody(request)
      .then(async (body) => {
        if (request.method !== 'POST' || typeof target !== 'string') {
          return answer(response, 400, { __type: 'UnknownOperationException', message: 'POST with an X-Amz-Target header' });
        }
        const result = await stepFunctionsApi(stepFunctions, target, body);
        answer(response, result.status, result.body);
      })
      .catch((error: unknown) => {
        if (response.headersSent) return response.destroy();
        if (error instanceof SyntaxError) {
          return answer(response, 400, { __type: 'SerializationException', message: 'the body is not valid JSON' });
        }
        console.error(`Good Swipe local stack: Step Functions ${String(target)} failed:`, error);
        answer(response, 500, { __type: 'InternalFailure', message: 'an unexpected error occurred' });
      });
  });
}
