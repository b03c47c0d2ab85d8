import { beforeAll, describe, expect, it } from 'vitest';
import { tournamentSealedType } from '../../events/tournament-sealed.ts';
import { DOMAIN_EVENT_ARCHIVE_RETENTION } from '../../infra/constructs/level-up-events.ts';
import type { GoodSwipeStack } from '../../infra/stack.ts';
import { sealWorkflowSteps } from '../../infra/workloads.ts';
import { logicalIdOf, resourcesOfType, synthesizedStack } from '../support/synth.ts';
import { only, type PolicyStatement, type TemplateResource } from '../support/template.ts';

let stack: GoodSwipeStack;
let resources: Record<string, TemplateResource>;

beforeAll(() => {
  ({ stack } = synthesizedStack());
  resources = synthesizedStack().json.Resources;
}, 60_000);

const busId = () => logicalIdOf(stack.levelUpEvents.bus);
const finishSealId = () => logicalIdOf(stack.functions[sealWorkflowSteps.finish.name]);
const getAttTarget = (value: unknown) => (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

/** Every statement of the policies attached to a role, with the role's functions' names. */
function statementsOfRole(roleId: string): PolicyStatement[] {
  return resourcesOfType('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

const grantsPutEvents = (s: PolicyStatement) => [s.Action].flat().some((a) => a === 'events:PutEvents' || a === 'events:*');

describe('domain events: TournamentSealed on the game bus', () => {
  it('archives the domain events of the bus for 30 days under a name a replay can use', () => {
    const [, archive] = only(resourcesOfType('AWS::Events::Archive'), 'event archive');
    expect(archive.Properties).toMatchObject({
      ArchiveName: 'good-swipe-test-domain-events',
      SourceArn: { 'Fn::GetAtt': [busId(), 'Arn'] },
      RetentionDays: 30,
      EventPattern: { source: [tournamentSealedType.source] },
    });
    expect(DOMAIN_EVENT_ARCHIVE_RETENTION.toDays()).toBe(30);
    // Level-ups are not archived: their outbox items are their durable record.
    expect(JSON.stringify(archive.Properties.EventPattern)).not.toContain('goodswipe.progress');
  });

  it('gives FinishSeal the bus name, and no other function', () => {
    const withBus = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .filter(([, r]) => (r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.['EVENT_BUS_NAME'] !== undefined);
    expect(withBus.map(([id]) => id)).toEqual([finishSealId()]);
    const variables = (resources[finishSealId()]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables['EVENT_BUS_NAME']).toEqual({ Ref: busId() });
  });

  it('lets FinishSeal put events on the game bus only, and no other function put events at all', () => {
    const putters = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .filter(([, r]) => statementsOfRole(getAttTarget(r.Properties.Role)).some(grantsPutEvents))
      .map(([id]) => id);
    expect(putters).toEqual([finishSealId()]);
    const statement = only(statementsOfRole(getAttTarget(resources[finishSealId()]!.Properties.Role)).filter(grantsPutEvents), 'PutEvents statement');
    expect(statement).toMatchObject({ Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId(), 'Arn'] } });
    expect(statement.Condition).toBeUndefined();
  });

  it('publishes from the seal workflow\'s last step, after the Map of group batches', () => {
    const [, machine] = only(
      resourcesOfType('AWS::StepFunctions::StateMachine').filter(([, r]) => JSON.stringify(r.Properties.DefinitionString).includes('FinishSeal')),
      'seal state machine',
    );
    const asl = JSON.stringify(machine.Properties.DefinitionString);
    // FinishSeal's only successor is the Succeed state: nothing runs after the event is out.
    expect(asl).toMatch(/\\"FinishSeal\\":\{[^{}]*\\"Next\\":\\"Sealed\\"/);
    expect(asl).toMatch(/\\"SealGroups\\":\{.*?\\"Next\\":\\"FinishSeal\\"/);
  });
});
