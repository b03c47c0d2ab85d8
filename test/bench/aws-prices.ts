/*
 * AWS on-demand prices, us-east-1, as published when read on 2026-12-01 (from the stored copies
 * of the pages below; check them again before quoting a bill). The only place the bench's cost
 * figures take prices from. All in USD.
 *
 * - DynamoDB on-demand (Standard table class): $0.625 per million write request units, $0.125 per
 *   million read request units (since the 50 % cut of 2024-11-01).
 *   https://aws.amazon.com/dynamodb/pricing/on-demand/ ; figures as quoted in
 *   https://airbyte.com/data-engineering-resources/dynamodb-pricing
 * - ElastiCache Serverless, Valkey (infra/constructs/cache.ts): $0.0023 per million ECPUs. One ECPU
 *   is 1 KB transferred by a simple command; scripts and large ranges cost more (vCPU time).
 *   https://aws.amazon.com/elasticache/pricing/ ; figures as quoted in
 *   https://www.usage.ai/blogs/aws/database-savings-plans/elasticache/serverless-pricing/ and
 *   https://cur.vantage.sh/aws/amazonelasticache (the ECPU definition)
 * - Lambda, arm64 (every function: infra/constructs/lambda.ts, 512 MB): $0.20 per million requests,
 *   $0.0000133334 per GB-second (first 7.5 billion GB-s a month).
 *   https://aws.amazon.com/lambda/pricing/ ; figures as quoted in https://cloudchipr.com/blog/aws-lambda-pricing
 * - API Gateway HTTP API: $1.00 per million requests (first 300 million a month, 512 KB each).
 *   https://aws.amazon.com/api-gateway/pricing/ ; https://awsforengineers.com/blog/aws-api-gateway-pricing-explained
 * - Step Functions Express: $1.00 per million requests, $0.06 per GB-hour for the first 1,000
 *   GB-hours ($0.00001667 per GB-second), duration rounded up to 100 ms, memory in 64 MB chunks.
 *   Standard: $0.025 per 1,000 state transitions. https://aws.amazon.com/step-functions/pricing/
 * - The level-up's path to its consumer: EventBridge Pipes $0.40 per million requests (after its
 *   filter), EventBridge custom events $1.00 per million, SQS standard $0.40 per million requests.
 *   https://aws.amazon.com/eventbridge/pricing/ ; https://cloudburn.io/blog/amazon-eventbridge-pricing ;
 *   https://aws.amazon.com/sqs/pricing/ ; https://cloudburn.io/blog/amazon-sqs-pricing
 *
 * Not counted per operation: CloudWatch logs and metrics, X-Ray traces, data transfer out, the
 * cache's stored GB-hours and Lambda's cold-start init time.
 */

export const PRICES_AS_OF = 'us-east-1, read 2026-12-01';

const PER_MILLION = 1e-6;

export const awsPrices = {
  dynamodbWriteUnit: 0.625 * PER_MILLION,
  dynamodbReadUnit: 0.125 * PER_MILLION,
  elasticacheEcpu: 0.0023 * PER_MILLION,
  lambdaRequest: 0.2 * PER_MILLION,
  lambdaArmGbSecond: 0.0000133334,
  httpApiRequest: 1.0 * PER_MILLION,
  expressRequest: 1.0 * PER_MILLION,
  expressGbSecond: 0.06 / 3600,
  standardTransition: 0.025 / 1000,
  pipesRequest: 0.4 * PER_MILLION,
  eventBridgeEvent: 1.0 * PER_MILLION,
  sqsRequest: 0.4 * PER_MILLION,
} as const;

/** Every function's memory (infra/constructs/lambda.ts). */
export const LAMBDA_MEMORY_GB = 512 / 1024;
/** Express bills memory in 64 MB chunks; the entry saga's state is a few KB, so one chunk. */
const EXPRESS_MEMORY_GB = 64 / 1024;
/** Express duration is rounded up to this. */
const EXPRESS_BILLING_MS = 100;

/** What one operation uses, as the cost of it is computed from. */
export interface OperationUsage {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly ecpu: number;
  readonly lambdaInvocations: number;
  /** Summed over the invocations. */
  readonly lambdaMs: number;
  readonly httpRequests: number;
  readonly expressExecutions: number;
  readonly expressMs: number;
  readonly standardTransitions: number;
  /** Pipe request + custom event + SQS send, receive and delete (one message per batch: the dearest case). */
  readonly levelUpEvents: number;
}

export const noUsage: OperationUsage = {
  readUnits: 0, writeUnits: 0, ecpu: 0, lambdaInvocations: 0, lambdaMs: 0, httpRequests: 0,
  expressExecutions: 0, expressMs: 0, standardTransitions: 0, levelUpEvents: 0,
};

/** SQS requests per level-up message: EventBridge's send, the event source's receive and delete. */
const SQS_REQUESTS_PER_MESSAGE = 3;

export interface CostBreakdown {
  readonly dynamodb: number;
  readonly cache: number;
  /** Lambda, API Gateway, Step Functions, the event path. */
  readonly compute: number;
  readonly total: number;
}

/** The cost of `usage`, per 1,000,000 operations. */
export function costPerMillion(usage: OperationUsage): CostBreakdown {
  const p = awsPrices;
  const expressMs = Math.ceil(usage.expressMs / EXPRESS_BILLING_MS) * EXPRESS_BILLING_MS;
  const dynamodb = usage.readUnits * p.dynamodbReadUnit + usage.writeUnits * p.dynamodbWriteUnit;
  const cache = usage.ecpu * p.elasticacheEcpu;
  const compute =
    usage.lambdaInvocations * p.lambdaRequest +
    (usage.lambdaMs / 1000) * LAMBDA_MEMORY_GB * p.lambdaArmGbSecond +
    usage.httpRequests * p.httpApiRequest +
    usage.expressExecutions * (p.expressRequest + (expressMs / 1000) * EXPRESS_MEMORY_GB * p.expressGbSecond) +
    usage.standardTransitions * p.standardTransition +
    usage.levelUpEvents * (p.pipesRequest + p.eventBridgeEvent + SQS_REQUESTS_PER_MESSAGE * p.sqsRequest);
  const million = 1e6;
  return { dynamodb: dynamodb * million, cache: cache * million, compute: compute * million, total: (dynamodb + cache + compute) * million };
}
