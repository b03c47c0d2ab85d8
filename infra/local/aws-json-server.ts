import http from 'node:http';
import { BodyTooLarge, readBody, send } from './http-io.ts';

/** An AWS API's answer: the HTTP status and the JSON body (`{ __type, message }` for an error). */
export interface AwsJsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface AwsJsonService {
  /** Named in the log line of an unexpected failure. */
  readonly name: string;
  /** `application/x-amz-json-1.0` (Step Functions) or `-1.1` (EventBridge). */
  readonly contentType: string;
  /** One call: the X-Amz-Target and the raw body. A thrown SyntaxError is a body that is not JSON. */
  call(target: string, body: string): Promise<AwsJsonAnswer> | AwsJsonAnswer;
  /** A refusal the service names, thrown by `call`, as its 400 answer; undefined for anything else. */
  refusal?(error: unknown): AwsJsonAnswer | undefined;
  /** What the service answers to a request body over the listener's limit. */
  readonly tooLarge: { readonly __type: string; readonly message: string };
  /** The service's name for its own failure (a 500): InternalFailure unless it says otherwise. */
  readonly internalErrorType?: string;
}

/**
 * A local AWS endpoint as the AWS SDK and CLI speak it (the JSON protocol: one POST per call, the
 * operation in X-Amz-Target), on a listener of its own so that no public route reaches it. A local
 * control plane with no auth (as LocalStack's): on AWS, IAM guards it. The plumbing every such
 * endpoint shares; `service` answers the calls.
 */
export function createAwsJsonServer(service: AwsJsonService): http.Server {
  const answer = (response: http.ServerResponse, { status, body }: AwsJsonAnswer) =>
    send(response, status, { 'content-type': service.contentType }, JSON.stringify(body));
  return http.createServer((request, response) => {
    const target = request.headers['x-amz-target'];
    readBody(request)
      .then(async (body) => {
        if (request.method !== 'POST' || typeof target !== 'string') {
          return answer(response, { status: 400, body: { __type: 'UnknownOperationException', message: 'POST with an X-Amz-Target header' } });
        }
        answer(response, await service.call(target, body));
      })
      .catch((error: unknown) => {
        if (response.headersSent) return response.destroy();
        const refused = service.refusal?.(error);
        if (refused) return answer(response, refused);
        if (error instanceof BodyTooLarge) return answer(response, { status: 400, body: service.tooLarge });
        if (error instanceof SyntaxError) {
          return answer(response, { status: 400, body: { __type: 'SerializationException', message: 'the body is not valid JSON' } });
        }
        console.error(`Good Swipe local stack: ${service.name} ${String(target)} failed:`, error);
        answer(response, { status: 500, body: { __type: service.internalErrorType ?? 'InternalFailure', message: 'an unexpected error occurred' } });
      });
  });
}
