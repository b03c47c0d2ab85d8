import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../adapters/observability.ts';

/**
 * The middy every wrapper starts from (HTTP routes, workflow steps, scheduled jobs, the SQS
 * consumer): its logs carry the Lambda context. Traces need nothing here: Lambda records each
 * invocation (`Tracing: Active`) and the AWS SDK carries its trace header on every call.
 */
export function lambdaMiddy<I, O>(options?: middy.PluginObject) {
  return middy<I, O, Error, Context>(options).use(injectLambdaContext(logger));
}
