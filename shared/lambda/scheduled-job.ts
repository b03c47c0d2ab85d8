import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { now } from '../adapters/clock.ts';
import { faultPoint, faultPoints } from '../adapters/faults.ts';
import { logger } from '../adapters/observability.ts';

/** EventBridge Scheduler sends `{"scheduledTime": "<aws.scheduler.scheduled-time>"}`; a deploy trigger sends nothing. */
const scheduledEvent = z.object({ scheduledTime: z.iso.datetime({ offset: true }).optional() }).loose();

/**
 * Wraps a scheduled job: it acts for the time it was scheduled for (so a late or replayed run
 * does the same thing), or for now when a deploy trigger runs it.
 */
export function scheduledJob<R>(job: (at: Date) => Promise<R>) {
  return middy<unknown, R, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      await faultPoint(faultPoints.scheduledJobStart);
      const { scheduledTime } = scheduledEvent.parse(event ?? {});
      const result = await job(scheduledTime ? new Date(scheduledTime) : now());
      logger.info('scheduled job done', { scheduledTime, result: result as Record<string, unknown> });
      return result;
    });
}
