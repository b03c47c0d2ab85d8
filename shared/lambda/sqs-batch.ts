import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { withInvocationMetrics } from '../adapters/emf-metrics.ts';
import { metrics as metricNames, type MetricsRecorder } from '../adapters/metrics.ts';
import { logger } from '../adapters/observability.ts';
import { lambdaMiddy } from './lambda-middy.ts';

/**
 * Wraps an SQS consumer that reports partial batch failures: the records are handled side by
 * side (the consumer must not depend on their order), and only the failed ones go back to the
 * queue (retried, then dead-lettered). Lambda's Errors metric never sees those failures, so each
 * is counted (RecordsFailed).
 */
export function sqsBatch(handleRecord: (record: SQSRecord, metrics: MetricsRecorder) => Promise<void>) {
  return lambdaMiddy<SQSEvent, SQSBatchResponse>().handler((event) =>
      withInvocationMetrics(async (metrics) => {
        const outcomes = await Promise.allSettled(event.Records.map((record) => handleRecord(record, metrics)));
        const batchItemFailures = outcomes.flatMap((outcome, i) => {
          if (outcome.status === 'fulfilled') return [];
          const { messageId } = event.Records[i]!;
          logger.warn('record failed; it goes back to the queue', { messageId, error: outcome.reason as Error });
          metrics.record(metricNames.recordsFailed, 1);
          return [{ itemIdentifier: messageId }];
        });
        return { batchItemFailures };
      }),
    );
}
