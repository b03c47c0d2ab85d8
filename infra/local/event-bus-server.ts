import type http from 'node:http';
import { createAwsJsonServer } from './aws-json-server.ts';
import { EventBridgeError, type LocalEventBusApi } from './event-bus-api.ts';

/**
 * The local EventBridge endpoint (EVENTBRIDGE_ENDPOINT, and `--endpoint-url` for the AWS CLI):
 * PutEvents (event-bus-api.ts). On AWS, IAM decides who may put events on the bus.
 */
export function createEventBusServer(api: LocalEventBusApi): http.Server {
  return createAwsJsonServer({
    name: 'EventBridge',
    contentType: 'application/x-amz-json-1.1',
    call: (target, body) => ({ status: 200, body: api.call(target, body) }),
    refusal: (error) => (error instanceof EventBridgeError ? { status: 400, body: { __type: error.type, message: error.message } } : undefined),
    // Far past the 256 KB the entries may total.
    tooLarge: { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' },
    internalErrorType: 'InternalException',
  });
}
