import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../adapters/observability.ts';
import { isDependencyUnavailable } from '../adapters/dynamo/errors.ts';
import { ApiError } from './problem.ts';
import { routeRequest, type HttpEvent, type RouteRequest, type RouteSchemas } from './request.ts';
import { problem, type HttpResponse } from './response.ts';

export type HttpFunction = (event: HttpEvent, context: Context) => Promise<HttpResponse>;
export type HttpRoute<S extends RouteSchemas> = (request: RouteRequest<S>) => Promise<HttpResponse>;

/**
 * Turns anything a route throws into the contract's problem+json: an `ApiError` as itself, a
 * dependency that is down as 503, anything else as a 500 whose body says nothing internal.
 */
const problemJsonErrors = (): MiddlewareObj<HttpEvent, HttpResponse, Error> => ({
  onError: async (request) => {
    const error = request.error;
    if (error instanceof ApiError) {
      request.response = problem(error.code, error.detail, error.errors, error.retryAfterSeconds);
    } else if (isDependencyUnavailable(error)) {
      logger.warn('dependency unavailable', { error: error as Error });
      request.response = problem('SERVICE_UNAVAILABLE', 'a dependency is unavailable; nothing was changed, retry later');
    } else {
      logger.error('unhandled error', { error: error as Error });
      request.response = problem('INTERNAL', 'an unexpected error occurred');
    }
  },
});

/** Wraps a function of the raw event: Powertools logger context, then problem+json error mapping. */
export function httpFunction(fn: HttpFunction) {
  return middy<HttpEvent, HttpResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(problemJsonErrors())
    .handler(fn);
}

/**
 * Wraps a route: it gets the caller, the request time and its path parameters, query and body,
 * each validated by its `schemas` (`{}`: the route takes none of them, and rejects them when
 * sent; see `routeRequest`), so no route reads the event itself.
 */
export function httpHandler<S extends RouteSchemas>(schemas: S, route: HttpRoute<S>) {
  return httpFunction(async (event) => route(routeRequest(event, schemas)));
}
