import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { readModel, synthesizeTemplate } from '../../infra/local/template.ts';
import { provideRedis } from './redis-setup.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** One in-memory DynamoDB Local for the integration tests; each test file makes its own table. */
    dynamodbEndpoint: string;
    /** The table's properties as the synthesized template defines them. */
    tableProperties: Record<string, unknown>;
  }
}

/** The integration project's setup: DynamoDB Local, the template's table definition and Redis. */
export default async function setup(project: TestProject) {
  // The engines start in child processes while this one synthesizes.
  const engines = Promise.all([startDynamoDbLocal({}), provideRedis(project)]);
  const model = readModel(synthesizeTemplate('test'));
  const [dynamodb, stopRedis] = await engines;
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('tableProperties', model.table.properties);
  return async () => {
    await Promise.all([dynamodb.stop(), stopRedis()]);
  };
}
