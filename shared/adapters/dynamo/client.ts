import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config, required } from '../../config.ts';
import { once } from '../../once.ts';

export interface TableRef {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** A DynamoDB client; `extra` for a caller's own timeouts and retries. */
export function dynamoClient(options: { endpoint?: string; region?: string }, extra: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...extra,
  });
}

export function createTableRef(options: { tableName: string; endpoint?: string; region?: string }): TableRef {
  const doc = DynamoDBDocumentClient.from(dynamoClient(options), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { doc, tableName: options.tableName };
}

/** The container's one client, created on first use (after the environment is set). */
export const tableFromEnv = once(
  (): TableRef => {
    const { DYNAMODB_ENDPOINT, AWS_REGION } = config();
    return createTableRef({ tableName: required('TABLE_NAME'), endpoint: DYNAMODB_ENDPOINT, region: AWS_REGION });
  },
  (table) => table.doc.destroy(),
);
