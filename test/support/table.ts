import { randomBytes } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTable, localClient } from '../../infra/local/dynamodb-local.ts';
import { createTableRef, type TableRef } from '../../shared/adapters/dynamo/client.ts';

/** A fresh table, shaped as the template defines it, on the run's DynamoDB Local. */
export async function freshTable(): Promise<TableRef & { drop(): Promise<void> }> {
  const endpoint = inject('dynamodbEndpoint');
  const tableName = `test-${randomBytes(6).toString('hex')}`;
  const admin = localClient(endpoint);
  await ensureTable(admin, tableName, inject('tableProperties') as Record<string, any>);
  process.env['AWS_ACCESS_KEY_ID'] ??= 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'local';
  const ref = createTableRef({ tableName, endpoint });
  return {
    ...ref,
    drop: async () => {
      ref.doc.destroy();
      await admin.send(new DeleteTableCommand({ TableName: tableName }));
      admin.destroy();
    },
  };
}
