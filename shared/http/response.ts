import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PROBLEM_CONTENT_TYPE, problemOf, type ErrorCode, type FieldError } from './problem.ts';

export type HttpResponse = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function problem(code: ErrorCode, detail?: string, errors?: readonly FieldError[], retryAfterSeconds?: number): HttpResponse {
  const body = problemOf(code, detail, errors);
  return {
    statusCode: body.status,
    headers: {
      'content-type': PROBLEM_CONTENT_TYPE,
      ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }),
    },
    body: JSON.stringify(body),
  };
}
