import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readModel, type LocalModel } from '../../infra/local/template.ts';
import { routeKeys } from '../../infra/routes.ts';
import { levelUpEvents, scheduledJobs } from '../../infra/workloads.ts';
import { REPO_ROOT } from '../../infra/repo-root.ts';
import { synthesizedStack } from '../support/synth.ts';

/** The local stack serves what the template deploys: every route, state machine, schedule and trigger. */
describe('local stack model read from the synthesized template', () => {
  let model: LocalModel;
  beforeAll(() => {
    model = readModel(synthesizedStack().json);
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
    expect(model.stateMachines).toHaveLength(3);
    const saga = model.stateMachines.find((m) => m.type === 'EXPRESS');
    expect([...saga!.taskFunctions.keys()].sort()).toEqual(
      ['ConfirmReservation', 'JoinGroup', 'RefundReservation', 'ReserveCoins', 'ValidateEntry'].sort(),
    );
    for (const fn of saga!.taskFunctions.values()) expect(model.functions.has(fn)).toBe(true);
    expect(JSON.stringify(saga!.definition)).not.toMatch(/Fn::|"Ref"/);
    // The seal workflow's Map worker is a Task inside the Map's item processor: bound too.
    const seal = model.stateMachines.find((m) => m.taskFunctions.has('SealGroupBatch'));
    expect([...seal!.taskFunctions.keys()].sort()).toEqual(['CheckScores', 'FinishSeal', 'PlanSeal', 'SealGroupBatch']);
  });

  it('runs every schedule of the template on the local clock, and the deploy trigger at start', () => {
    const entries = (id: string) => model.functions.get(id)!.entry;
    expect(model.schedules.map((s) => [s.expression, entries(s.functionLogicalId)]).sort()).toEqual(
      scheduledJobs.map((job) => [job.schedule, job.entry]).sort(),
    );
    for (const schedule of model.schedules) expect(schedule.input).toContain('<aws.scheduler.scheduled-time>');
    expect(model.triggers.map(entries)).toEqual(scheduledJobs.filter((j) => j.runOnDeploy).map((j) => j.entry));
    // Only the jobs that say so are coalesced when the clock jumps (a sweep, not a day's creation).
    expect(model.schedules.filter((s) => s.catchUp).map((s) => entries(s.functionLogicalId))).toEqual(
      scheduledJobs.filter((j) => j.catchUp).map((j) => j.entry),
    );
  });

  it('knows each state machine\'s type (CloudFormation\'s default: STANDARD)', () => {
    const types = new Map(model.stateMachines.map((m) => [m.taskFunctions.has('ValidateEntry') ? 'saga' : m.logicalId, m.type]));
    expect(types.get('saga')).toBe('EXPRESS');
    for (const machine of model.stateMachines) expect(['STANDARD', 'EXPRESS']).toContain(machine.type);
  });

  it('invokes every scheduled job as the template configures its asynchronous invocation: 2 retries, then a queue', () => {
    const scheduled = new Set(model.schedules.map((s) => s.functionLogicalId));
    expect(new Set(model.asyncInvokeConfigs.keys())).toEqual(scheduled);
    for (const config of model.asyncInvokeConfigs.values()) {
      expect(config).toMatchObject({ maximumRetryAttempts: 2, onFailureQueueLogicalId: expect.any(String) });
    }
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
