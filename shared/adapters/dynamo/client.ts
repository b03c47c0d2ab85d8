import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../../config.ts';

export interface TableRef {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function createTableRef(options: { tableName: string; endpoint?: string; region?: string }): TableRef {
  const client = new DynamoDBClient({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { doc, tableName: options.tableName };
}

let shared: TableRef | undefined;

/** The container's one client, created on first use (after the environment is set). */
export function tableFromEnv(): TableRef {
  if (!shared) {
    const { TABLE_NAME, DYNAMODB_ENDPOINT, AWS_REGION } = config();
    shared = createTableRef({ tableName: TABLE_NAME, endpoint: DYNAMODB_ENDPOINT, region: AWS_REGION });
  }
  return shared;
}
