import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { z } from 'zod';
import { ApiError, type FieldError } from './problem.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** The contract's request body limit. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The caller's user id: the `sub` of the JWT the authorizer verified. Routes never take a
 * user id for a write, so a player can only act as itself.
 */
export function callerId(event: HttpEvent): string {
  const sub = event.requestContext.authorizer?.jwt?.claims?.['sub'];
  if (typeof sub !== 'string' || sub.length === 0) throw new ApiError('UNAUTHORIZED', 'missing or invalid token');
  return sub;
}

/**
 * When API Gateway received the request. Rules that depend on time use this rather than the
 * Lambda's clock, so the local stack's movable clock reaches them through the same event field.
 */
export function requestTime(event: HttpEvent): Date {
  return new Date(event.requestContext.timeEpoch);
}

export function header(event: HttpEvent, name: string): string | undefined {
  // API Gateway HTTP APIs lower-case header names.
  return event.headers?.[name.toLowerCase()];
}

/** One entry per problem; `root` names the value itself when the issue has no path. */
export function zodFieldErrors(error: z.ZodError, root = '(body)'): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: at ? `${at}.${key}` : key, message: 'unknown field' }));
    }
    return [{ field: at || root, message: issue.message }];
  });
}

/**
 * Decodes, size-checks and validates a JSON body; every failure is a 4xx `ApiError`. The
 * Content-Type is not enforced: bodies are always JSON, and `curl -d` sends a form type.
 */
export function jsonBody<S extends z.ZodType>(event: HttpEvent, schema: S): z.output<S> {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `request body is over ${MAX_BODY_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('VALIDATION_ERROR', 'body is not valid JSON', [{ field: '(body)', message: 'malformed JSON' }]);
  }
  return validate(schema, value, 'request body is invalid');
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, detail: string, field?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError('VALIDATION_ERROR', detail, zodFieldErrors(result.error, field));
  return result.data;
}
