import { startDynamoDbLocal, localClient, ensureTable } from '../../infra/local/dynamodb-local.ts';
import { createTableRef } from '../../shared/adapters/dynamo/client.ts';
import { UserRepository } from '../../shared/adapters/dynamo/user-repository.ts';
import { newProfile } from '../../shared/domain/profile.ts';
import { spawnFloorServer } from './floor-process.ts';
import { compare, getMe, recordProgress, type Target } from './measure.ts';

process.env['AWS_ACCESS_KEY_ID'] = 'local'; process.env['AWS_SECRET_ACCESS_KEY'] = 'local';
const ddb = await startDynamoDbLocal({});
const tableName = 'probe';
await ensureTable(localClient(ddb.endpoint), tableName, { KeySchema: [{AttributeName:'PK',KeyType:'HASH'},{AttributeName:'SK',KeyType:'RANGE'}], AttributeDefinitions: [{AttributeName:'PK',AttributeType:'S'},{AttributeName:'SK',AttributeType:'S'}] });
const a = await spawnFloorServer(ddb.endpoint, tableName);
const b = await spawnFloorServer(ddb.endpoint, tableName);
const users = new UserRepository(createTableRef({ tableName, endpoint: ddb.endpoint }));
const players = [];
for (let i = 0; i < 200; i++) { await users.createIfAbsent(newProfile(`u${i}`, `P${i}`, new Date())); players.push({ sub: `u${i}`, token: '' }); }
const id = (p: { sub: string }) => ({ 'x-user-id': p.sub });
const targets = { floor: { side: 'floor', url: a.url, identify: id } as Target, stack: { side: 'stack', url: b.url, identify: id } as Target };
const settings = { connections: Number(process.env['C'] ?? 32), seconds: 5, primeSeconds: 5, warmupSeconds: 2, rounds: 3 };

for (const s of [getMe, recordProgress]) {
  const c = await compare(s, targets, players, settings, console.log);
  console.log(s.name, 'A/A ratio', c.ratio.toFixed(2), JSON.stringify(c.floor.errorsBy), JSON.stringify(c.stack.errorsBy));
}
await a.stop(); await b.stop(); await ddb.stop();
