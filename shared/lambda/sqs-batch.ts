import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../adapters/observability.ts';

/**
 * Wraps an SQS consumer that reports partial batch failures: the records are handled side by
 * side (the consumer must not depend on their order), and only the failed ones go back to the
 * queue (retried, then dead-lettered).
 */
export function sqsBatch(handleRecord: (record: SQSRecord) => Promise<void>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      const outcomes = await Promise.allSettled(event.Records.map((record) => handleRecord(record)));
      const batchItemFailures = outcomes.flatMap((outcome, i) => {
        if (outcome.status === 'fulfilled') return [];
        const { messageId } = event.Records[i]!;
        logger.warn('record failed; it goes back to the queue', { messageId, error: outcome.reason as Error });
        return [{ itemIdentifier: messageId }];
      });
      return { batchItemFailures };
    });
}
