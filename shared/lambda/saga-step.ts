import type { Context } from 'aws-lambda';
import { isDependencyUnavailable } from '../adapters/dynamo/errors.ts';
import { withInvocationMetrics } from '../adapters/emf-metrics.ts';
import { metrics as metricNames, type MetricsRecorder } from '../adapters/metrics.ts';
import { lambdaMiddy } from './lambda-middy.ts';
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
 * as it is (caught and compensated by the state machine, or failing the execution). `name` is the
 * step's state name: the `step` dimension of its metrics, since the state machine retries and
 * compensates these failures out of Lambda's sight (its Errors metric counts them, not which rule
 * refused).
 */
export function workflowStep<I, O>(name: string, step: (input: I, context: Context, metrics: MetricsRecorder) => Promise<O>) {
  return lambdaMiddy<I, O>().handler((input, context) =>
      withInvocationMetrics(async (metrics) => {
        try {
          return await step(input, context, metrics);
        } catch (error) {
          if (error instanceof ApiError) {
            metrics.record(metricNames.stepRefusals, 1, { step: name });
            throw new StepFailure(error.code, error.detail ?? error.code);
          }
          metrics.record(metricNames.stepFailures, 1, { step: name });
          if (isDependencyUnavailable(error)) throw new TransientError((error as Error).message);
          throw error;
        }
      }),
    );
}

/** An entry-saga step: the saga's state in, the saga's state out. */
export const sagaStep = <S>(name: string, step: (state: S, metrics: MetricsRecorder) => Promise<S>) =>
  workflowStep<S, S>(name, (state, _context, metrics) => step(state, metrics));
