import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { readModel, synthesizeTemplate } from '../../infra/local/template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One in-memory DynamoDB Local for the integration tests; each test file makes its own table. */
    dynamodbEndpoint: string;
    /** The table's properties as the synthesized template defines them. */
    tableProperties: Record<string, unknown>;
    /** Prefix for this run's Redis keys on the machine's shared Redis. */
    redisKeyPrefix: string;
  }
}

export default async function setup(project: TestProject) {
  const model = readModel(synthesizeTemplate('test'));
  const dynamodb = await startDynamoDbLocal({});
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('tableProperties', model.table.properties);
  project.provide('redisKeyPrefix', `goodswipe-test:${randomBytes(4).toString('hex')}:`);
  return async () => {
    await dynamodb.stop();
  };
}
