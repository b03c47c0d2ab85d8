import * as z from '../validation.ts';
import { now } from '../adapters/clock.ts';
import { faultPoint, faultPoints } from '../adapters/faults.ts';
import { withInvocationMetrics } from '../adapters/emf-metrics.ts';
import { metrics as metricNames, type MetricsRecorder } from '../adapters/metrics.ts';
import { logger } from '../adapters/observability.ts';
import { lambdaMiddy } from './lambda-middy.ts';

/** EventBridge Scheduler sends `{"scheduledTime": "<aws.scheduler.scheduled-time>"}`; a deploy trigger sends nothing. */
const scheduledEvent = z.looseObject({ scheduledTime: z.optional(z.iso.datetime({ offset: true })) });

/**
 * Wraps a scheduled job: it acts for the time it was scheduled for (so a late or replayed run
 * does the same thing), or for now when a deploy trigger runs it. `name` (the job's FunctionSpec
 * name) is the `job` dimension of its runs and failures.
 */
export function scheduledJob<R>(name: string, job: (at: Date, metrics: MetricsRecorder) => Promise<R>) {
  return lambdaMiddy<unknown, R>().handler((event) =>
      withInvocationMetrics(async (metrics) => {
        try {
          await faultPoint(faultPoints.scheduledJobStart);
          const { scheduledTime } = scheduledEvent.parse(event ?? {});
          const result = await job(scheduledTime ? new Date(scheduledTime) : now(), metrics);
          logger.info('scheduled job done', { scheduledTime, result: result as Record<string, unknown> });
          metrics.record(metricNames.jobRuns, 1, { job: name });
          return result;
        } catch (error) {
          metrics.record(metricNames.jobFailures, 1, { job: name });
          throw error;
        }
      }),
    );
}
