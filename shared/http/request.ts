import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import * as z from '../validation.ts';
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
function requestTime(event: HttpEvent): Date {
  return new Date(event.requestContext.timeEpoch);
}

export function header(event: HttpEvent, name: string): string | undefined {
  // API Gateway HTTP APIs lower-case header names.
  return event.headers?.[name.toLowerCase()];
}

/** One entry per problem; `root` names the value itself when the issue has no path. */
function zodFieldErrors(error: z.core.$ZodError, root = '(body)'): FieldError[] {
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
export function jsonBody<S extends z.core.$ZodType>(event: HttpEvent, schema: S): z.output<S> {
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

/** A route that takes no body refuses one, whatever its size (the rule: nothing sent is silently ignored). */
function noBody(event: HttpEvent): undefined {
  if ((event.body ?? '').length > 0) {
    throw new ApiError('VALIDATION_ERROR', 'this route takes no request body', [{ field: '(body)', message: 'must be empty' }]);
  }
  return undefined;
}

export function validate<S extends z.core.$ZodType>(schema: S, value: unknown, detail: string, field?: string): z.output<S> {
  const result = z.safeParse(schema, value);
  if (!result.success) throw new ApiError('VALIDATION_ERROR', detail, zodFieldErrors(result.error, field));
  return result.data;
}

/**
 * What a route reads of its request. Each part it declares no schema for it does not take: a
 * path parameter is then absent, any query parameter and any non-empty body are a 400.
 */
export interface RouteSchemas {
  readonly params?: z.core.$ZodType;
  readonly query?: z.core.$ZodType;
  readonly body?: z.core.$ZodType;
}

type Parsed<S extends RouteSchemas, K extends keyof RouteSchemas, None> = S[K] extends z.core.$ZodType ? z.output<S[K]> : None;
type Nothing = Record<string, never>;

export interface RouteRequest<S extends RouteSchemas> {
  /** The caller: the verified token's `sub`. */
  readonly userId: string;
  /** When API Gateway received the request (see `requestTime`). */
  readonly now: Date;
  readonly params: Parsed<S, 'params', Nothing>;
  readonly query: Parsed<S, 'query', Nothing>;
  readonly body: Parsed<S, 'body', undefined>;
  /** A request header, by case-insensitive name. */
  header(name: string): string | undefined;
}

const nothing = z.strictObject({});

/** The route's view of the event: caller first (401), then path, query and body (400 / 413). */
export function routeRequest<S extends RouteSchemas>(event: HttpEvent, schemas: S): RouteRequest<S> {
  const userId = callerId(event);
  const params = validate(schemas.params ?? nothing, event.pathParameters ?? {}, 'path is invalid');
  const query = schemas.query
    ? validate(schemas.query, event.queryStringParameters ?? {}, 'query is invalid')
    : validate(nothing, event.queryStringParameters ?? {}, 'this route takes no query parameters');
  const body = schemas.body ? jsonBody(event, schemas.body) : noBody(event);
  // The casts only restate what the schemas were: `Parsed` picks the same branch at the type level.
  return {
    userId,
    now: requestTime(event),
    params: params as Parsed<S, 'params', Nothing>,
    query: query as Parsed<S, 'query', Nothing>,
    body: body as Parsed<S, 'body', undefined>,
    header: (name) => header(event, name),
  };
}
