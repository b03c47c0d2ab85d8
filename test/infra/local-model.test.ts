import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel, synthesizeTemplate, type LocalModel } from '../../infra/local/template.ts';
import { routeKeys } from '../../infra/routes.ts';
import { REPO_ROOT } from '../../infra/local/stack.ts';

/** The local stack serves what the template deploys: every route, each with its handler module. */
describe('local stack model read from the synthesized template', () => {
  let model: LocalModel;
  beforeAll(() => {
    model = readModel(synthesizeTemplate('test'));
  });

  it('serves every route of the template, all behind the JWT check', () => {
    expect(model.routes.map((r) => r.routeKey).sort()).toEqual([...routeKeys(), '$default'].sort());
    for (const route of model.routes) expect(route.requiresJwt, route.routeKey).toBe(true);
  });

  it('finds an existing handler module exporting `handler` for every route', async () => {
    for (const route of model.routes) {
      const fn = model.functions.get(route.functionLogicalId)!;
      const file = path.join(REPO_ROOT, fn.entry);
      expect(fs.existsSync(file), file).toBe(true);
      expect(fn.exportName).toBe('handler');
    }
  });

  it('creates the table from the template definition (keys, GSI1, stream, TTL)', () => {
    expect(model.table.properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
    });
  });
});
