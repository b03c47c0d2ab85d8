import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../adapters/observability.ts';

/**
 * Wraps an SQS consumer that reports partial batch failures: each record is handled on its own,
 * and only the failed ones go back to the queue (retried, then dead-lettered).
 */
export function sqsBatch(handleRecord: (record: SQSRecord) => Promise<void>) {
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        try {
          await handleRecord(record);
        } catch (error) {
          logger.warn('record failed; it goes back to the queue', { messageId: record.messageId, error: error as Error });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    });
}
