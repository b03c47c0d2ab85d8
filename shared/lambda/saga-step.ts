import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { isDependencyUnavailable } from '../adapters/dynamo/errors.ts';
import { logger } from '../adapters/observability.ts';
import { TransientError } from '../adapters/transient-error.ts';
import { ApiError } from '../http/problem.ts';

/** A failure as Step Functions sees it: `name` is the error its Retry and Catch match. */
class StepFailure extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Wraps an entry-saga step for Lambda: a contract error leaves as an error named by its code
 * (LEVEL_TOO_LOW, ...), a dependency that is down as TransientError (retried), anything else
 * as it is (caught and compensated by the state machine).
 */
export function sagaStep<S>(step: (state: S) => Promise<S>) {
  return middy<S, S, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (state) => {
      try {
        return await step(state);
      } catch (error) {
        if (error instanceof ApiError) throw new StepFailure(error.code, error.detail ?? error.code);
        if (isDependencyUnavailable(error)) throw new TransientError((error as Error).message);
        throw error;
      }
    });
}
