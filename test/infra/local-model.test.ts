import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel, synthesizeTemplate, type LocalModel } from '../../infra/local/template.ts';
import { routeKeys } from '../../infra/routes.ts';
import { levelUpEvents, scheduledJobs } from '../../infra/workloads.ts';
import { REPO_ROOT } from '../../infra/local/stack.ts';

/** The local stack serves what the template deploys: every route, state machine, schedule and trigger. */
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

  it('runs every state machine of the template, each Task bound to a project function', () => {
    expect(model.stateMachines).toHaveLength(1);
    const [saga] = model.stateMachines;
    expect([...saga!.taskFunctions.keys()].sort()).toEqual(
      ['ConfirmReservation', 'JoinGroup', 'RefundReservation', 'ReserveCoins', 'ValidateEntry'].sort(),
    );
    for (const fn of saga!.taskFunctions.values()) expect(model.functions.has(fn)).toBe(true);
    expect(JSON.stringify(saga!.definition)).not.toMatch(/Fn::|"Ref"/);
  });

  it('runs every schedule of the template on the local clock, and the deploy trigger at start', () => {
    const entries = (id: string) => model.functions.get(id)!.entry;
    expect(model.schedules.map((s) => [s.expression, entries(s.functionLogicalId)]).sort()).toEqual(
      scheduledJobs.map((job) => [job.schedule, job.entry]).sort(),
    );
    for (const schedule of model.schedules) expect(schedule.input).toContain('<aws.scheduler.scheduled-time>');
    expect(model.triggers.map(entries)).toEqual(scheduledJobs.filter((j) => j.runOnDeploy).map((j) => j.entry));
  });

  it('routes level-ups as the template does: stream -> pipe (filter) -> bus -> rule -> queue -> consumer', () => {
    expect(model.pipes).toHaveLength(1);
    const [pipe] = model.pipes;
    expect(pipe!.filters).toEqual([levelUpEvents.pipeFilter]);
    expect(pipe).toMatchObject({ source: levelUpEvents.source, detailType: levelUpEvents.detailType });
    const rule = model.rules.find((r) => r.busLogicalId === pipe!.busLogicalId)!;
    expect(rule.pattern).toEqual({ source: [levelUpEvents.source], 'detail-type': [levelUpEvents.detailType] });
    const consumer = model.queueConsumers.find((c) => rule.queueLogicalIds.includes(c.queueLogicalId))!;
    expect(model.functions.get(consumer.functionLogicalId)!.entry).toBe(levelUpEvents.consumer.entry);
    expect(consumer).toMatchObject({ batchSize: 10, reportBatchItemFailures: true, maxReceiveCount: 5 });
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
