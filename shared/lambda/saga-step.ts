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
 * Wraps a Step Functions task for Lambda: a contract error leaves as an error named by its code
 * (LEVEL_TOO_LOW, ...), a dependency that is down as TransientError (retried), anything else
 * as it is (caught and compensated by the state machine, or failing the execution).
 */
export function workflowStep<I, O>(step: (input: I, context: Context) => Promise<O>) {
  return middy<I, O, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (input, context) => {
      try {
        return await step(input, context);
      } catch (error) {
        if (error instanceof ApiError) throw new StepFailure(error.code, error.detail ?? error.code);
        if (isDependencyUnavailable(error)) throw new TransientError((error as Error).message);
        throw error;
      }
    });
}

/** An entry-saga step: the saga's state in, the saga's state out. */
export const sagaStep = <S>(step: (state: S) => Promise<S>) => workflowStep<S, S>(step);
