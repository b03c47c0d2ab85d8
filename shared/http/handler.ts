import type { Context } from 'aws-lambda';
import { logger } from '../adapters/observability.ts';
import { lambdaMiddy } from '../lambda/lambda-middy.ts';
import { withInvocationMetrics } from '../adapters/emf-metrics.ts';
import { metrics as metricNames, type MetricsRecorder } from '../adapters/metrics.ts';
import { isDependencyUnavailable } from '../adapters/dynamo/errors.ts';
import { ApiError } from './problem.ts';
import { routeRequest, type HttpEvent, type RouteRequest, type RouteSchemas } from './request.ts';
import { problem, type HttpResponse } from './response.ts';

/** `metrics`: this invocation's recorder, for the business metrics of the route's use case. */
export type HttpFunction = (event: HttpEvent, context: Context, metrics: MetricsRecorder) => Promise<HttpResponse>;
/** `context`: for a route that budgets its time (`getRemainingTimeInMillis`) or hands it on. */
export type HttpRoute<S extends RouteSchemas> = (request: RouteRequest<S>, metrics: MetricsRecorder, context: Context) => Promise<HttpResponse>;

/**
 * Turns anything a route throws into the contract's problem+json: an `ApiError` as itself, a
 * dependency that is down as 503, anything else as a 500 whose body says nothing internal.
 */
function problemResponse(error: unknown): HttpResponse {
  if (error instanceof ApiError) return problem(error.code, error.detail, error.errors, error.retryAfterSeconds);
  if (isDependencyUnavailable(error)) {
    logger.warn('dependency unavailable', { error: error as Error });
    return problem('SERVICE_UNAVAILABLE', 'a dependency is unavailable; nothing was changed, retry later');
  }
  logger.error('unhandled error', { error: error as Error });
  return problem('INTERNAL', 'an unexpected error occurred');
}

/**
 * Every problem response by route and code, whether thrown or returned: API Gateway counts 4xx
 * and 5xx, but not which rule answered, and Lambda's Errors metric sees none of them.
 */
function recordResponse(metrics: MetricsRecorder, route: string, response: HttpResponse): void {
  const status = response.statusCode ?? 200;
  if (status < 400) return;
  const code = problemCodeOf(response) ?? String(status);
  metrics.record(metricNames.problems, 1, { route, code });
  if (status >= 500) metrics.record(metricNames.serverErrors, 1);
}

function problemCodeOf(response: HttpResponse): string | undefined {
  try {
    const code = (JSON.parse(response.body ?? '') as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** How long before the function's timeout a route gives up and answers (see httpFunction). */
const TIMEOUT_EARLY_MS = 1_000;
const TIMED_OUT_RETRY_AFTER_SECONDS = 5;
const TIMED_OUT_DETAIL =
  'the request did not finish in time and may have taken effect; retry (an entry, a claim and progress with an Idempotency-Key never apply twice)';

/** Wraps a function of the raw event: Powertools logger context, problem+json error mapping, metrics. */
export function httpFunction(fn: HttpFunction) {
  return lambdaMiddy<HttpEvent, HttpResponse>({
    // A route still working this close to its timeout answers 503 before Lambda stops it (which
    // API Gateway would turn into a bare 500). It may have taken effect, so the answer says so.
    timeoutEarlyInMillis: TIMEOUT_EARLY_MS,
    timeoutEarlyResponse: () => problem('SERVICE_UNAVAILABLE', TIMED_OUT_DETAIL, undefined, TIMED_OUT_RETRY_AFTER_SECONDS),
  })
    .handler((event, context) =>
      withInvocationMetrics(async (metrics) => {
        const response = await fn(event, context, metrics).catch(problemResponse);
        recordResponse(metrics, event.routeKey ?? '$default', response);
        return response;
      }),
    );
}

/**
 * Wraps a route: it gets the caller, the request time and its path parameters, query and body,
 * each validated by its `schemas` (`{}`: the route takes none of them, and rejects them when
 * sent; see `routeRequest`), so no route reads the event itself.
 */
export function httpHandler<S extends RouteSchemas>(schemas: S, route: HttpRoute<S>) {
  return httpFunction(async (event, context, metrics) => route(routeRequest(event, schemas), metrics, context));
}
