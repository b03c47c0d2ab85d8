import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { JOB_RETRY_ATTEMPTS } from '../../infra/constructs/schedules.ts';
import type { GoodSwipeStack } from '../../infra/stack.ts';
import { scheduledJobs } from '../../infra/workloads.ts';
import { synthesizedStack } from '../support/synth.ts';
import type { PolicyStatement } from '../support/template.ts';

/**
 * Scheduler invokes the jobs asynchronously, so a job that fails is Lambda's to retry and, after
 * the retries, to deliver to an on-failure destination: every scheduled job has one.
 */
describe('scheduled jobs: asynchronous invocation failures are kept', () => {
  let stack: GoodSwipeStack;
  let template: Template;
  const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);

  beforeAll(() => {
    ({ stack, template } = synthesizedStack());
  }, 60_000);

  it('retries 2 times (Lambda\'s default, said explicitly)', () => {
    expect(JOB_RETRY_ATTEMPTS).toBe(2);
  });

  it.each(scheduledJobs.map((job) => [job.name]))(
    '%s has an EventInvokeConfig: 2 retries, events at most 1 hour old, then the on-failure queue',
    (name) => {
      const fn = stack.schedules.functions[name]!;
      const configs = template.findResources('AWS::Lambda::EventInvokeConfig', {
        Properties: { FunctionName: { Ref: idOf(fn) } },
      });
      expect(Object.values(configs)).toHaveLength(1);
      expect(Object.values(configs)[0]!.Properties).toEqual({
        FunctionName: { Ref: idOf(fn) },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack.schedules.onFailureQueue), 'Arn'] } } },
      });
    },
  );

  it.each(scheduledJobs.map((job) => [job.name]))('%s may send to the on-failure queue (its role)', (name) => {
    const roleId = stack.getLogicalId(stack.schedules.functions[name]!.role!.node.defaultChild as CfnElement);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleId }]) } });
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as PolicyStatement[]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Resource: { 'Fn::GetAtt': [idOf(stack.schedules.onFailureQueue), 'Arn'] },
      }),
    );
  });

  it('keeps the records 14 days, encrypted, and refuses requests without TLS', () => {
    const queueId = idOf(stack.schedules.onFailureQueue);
    expect(template.toJSON().Resources[queueId].Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('is a different queue from the schedules\' dead-letter queue (that one gets what Scheduler could not deliver)', () => {
    expect(idOf(stack.schedules.onFailureQueue)).not.toBe(idOf(stack.schedules.deadLetterQueue));
  });
});
