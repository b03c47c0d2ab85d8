import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../adapters/observability.ts';
import { traceInvocation } from '../adapters/tracer.ts';

/**
 * The middy every wrapper starts from (HTTP routes, workflow steps, scheduled jobs, the SQS
 * consumer): the invocation traced (X-Ray) and its logs carrying the Lambda context.
 */
export function lambdaMiddy<I, O>(options?: middy.PluginObject) {
  return middy<I, O, Error, Context>(options).use(traceInvocation()).use(injectLambdaContext(logger));
}
