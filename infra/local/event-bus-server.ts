import http from 'node:http';
import { EventBridgeError, type LocalEventBusApi } from './event-bus-api.ts';
import { BodyTooLarge, readBody, send } from './http-io.ts';

const answer = (response: http.ServerResponse, status: number, body: unknown) =>
  send(response, status, { 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify(body));

/**
 * The local EventBridge endpoint (EVENTBRIDGE_ENDPOINT, and `--endpoint-url` for the AWS CLI):
 * the AWS SDK's JSON 1.1 protocol, one POST per call with the operation in X-Amz-Target, on a
 * listener of its own so that no public route reaches it. A local control plane with no auth (as
 * LocalStack's): on AWS, IAM decides who may put events on the bus.
 */
export function createEventBusServer(api: LocalEventBusApi): http.Server {
  return http.createServer((request, response) => {
    const target = request.headers['x-amz-target'];
    readBody(request)
      .then((body) => {
        if (request.method !== 'POST' || typeof target !== 'string') {
          return answer(response, 400, { __type: 'UnknownOperationException', message: 'POST with an X-Amz-Target header' });
        }
        answer(response, 200, api.call(target, body));
      })
      .catch((error: unknown) => {
        if (response.headersSent) return response.destroy();
        if (error instanceof EventBridgeError) return answer(response, 400, { __type: error.type, message: error.message });
        // Far past the 256 KB the entries may total.
        if (error instanceof BodyTooLarge) {
          return answer(response, 400, { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
        }
        console.error(`Good Swipe local stack: EventBridge ${String(target)} failed:`, error);
        answer(response, 500, { __type: 'InternalException', message: 'an unexpected error occurred' });
      });
  });
}
