import { CfnResource, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { GoodSwipeStack } from './stack.ts';
import { entrySagaSteps, rebuildWorkflowSteps, scheduledJobs, sealWorkflowSteps, type FunctionSpec } from './workloads.ts';
import { allFunctionSpecs } from './function-specs.ts';


/**
 * The cdk-nag (AWS Solutions) findings this stack accepts, each on the one CloudFormation resource
 * it is about (never a role, a construct or the stack, which would cover their children too) and,
 * for granular rules, for the one finding (`Rule[finding]`) it is about. cdk-nag 3 reads these
 * acknowledgements from the construct tree; anything not listed here fails synthesis.
 * test/infra/hardening.test.ts checks that each sits on a CloudFormation resource and that the
 * `Resource::*` ones cover only the actions their reasons name.
 */

/** The actions Active X-Ray tracing adds to a Lambda function's policy, on `*`. */
export const FUNCTION_TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;

/** The actions a state machine's logging and X-Ray tracing add to its role's policy, on `*`. */
export const STATE_MACHINE_WILDCARD_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
] as const;
export function acknowledgeNagFindings(stack: GoodSwipeStack): void {
  acknowledgeFunctionFindings(stack);
  acknowledgeTableGrantFindings(stack);
  acknowledgeVpcFunctionFindings(stack);
  acknowledgeStateMachineFindings(stack);
  acknowledgeScheduleFindings(stack);
  acknowledgeLevelUpEventFindings(stack);
  acknowledgeUserPoolFindings(stack);
}

/** Acknowledges a finding on exactly one CloudFormation resource. */
function acknowledge(resource: IConstruct | undefined, id: string, reason: string): void {
  if (!CfnResource.isCfnResource(resource)) throw new Error(`${id}: acknowledge it on a CloudFormation resource, not ${resource?.node.path ?? 'nothing'}`);
  Validations.of(resource).acknowledge({ id, reason });
}

/** The AWS::IAM::Role of a role construct (where its managed policies are attached). */
function cfnRole(role: iam.IRole | undefined): IConstruct | undefined {
  return role?.node.defaultChild;
}

/** The AWS::IAM::Policy of a role's default policy (where CDK's grants put their statements). */
function cfnDefaultPolicy(role: iam.IRole | undefined): IConstruct | undefined {
  return role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
}

function acknowledgeFunctionFindings(stack: GoodSwipeStack): void {
  for (const fn of Object.values(stack.functions)) {
    const role = fn.role;
    if (role === undefined) throw new Error(`${fn.node.path} has no execution role`);
    acknowledge(
      cfnRole(role),
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs; ' +
        'it is the AWS-maintained minimum for a Lambda function and carries no data access.',
    );
    acknowledge(
      cfnDefaultPolicy(role),
      'AwsSolutions-IAM5[Resource::*]',
      `Active X-Ray tracing adds ${FUNCTION_TRACING_ACTIONS.join(' and ')}, which do not support ` +
        'resource-level permissions, so their resource must be "*"; no other statement of this policy has "*".',
    );
    acknowledge(
      fn.node.defaultChild,
      'AwsSolutions-L1',
      'The project pins the nodejs22.x runtime (architecture decision: the local stack and CI run ' +
        'Node 22, so what is tested is what runs); it is a supported LTS runtime.',
    );
  }
}

function acknowledgeTableGrantFindings(stack: GoodSwipeStack): void {
  const tableLogicalId = stack.getLogicalId(stack.table.node.defaultChild as dynamodb.CfnTable);
  for (const spec of allFunctionSpecs) {
    if (spec.tableActions.length === 0) continue; // no grant, no finding
    acknowledge(
      cfnDefaultPolicy(roleOf(stack, spec.name)),
      `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
      "table.grant() covers the game table's own indexes (table ARN + /index/*) with only the " +
        "function's listed actions; the wildcard stays inside this one table.",
    );
  }
}

function roleOf(stack: GoodSwipeStack, functionName: string): iam.IRole {
  const role = stack.functions[functionName]?.role;
  if (role === undefined) throw new Error(`function ${functionName} has no execution role`);
  return role;
}

function functionLogicalId(stack: GoodSwipeStack, fn: lambda.IFunction): string {
  return stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
}

function acknowledgeVpcFunctionFindings(stack: GoodSwipeStack): void {
  for (const spec of allFunctionSpecs) {
    if (!spec.usesRedis) continue;
    acknowledge(
      cfnRole(roleOf(stack, spec.name)),
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'AWSLambdaVPCAccessExecutionRole only lets Lambda create, describe and delete the network ' +
        'interfaces that put this function in the cache VPC; it is the AWS-maintained minimum for a ' +
        'VPC function (the EC2 network-interface actions take no resource-level scoping).',
    );
  }
}

function acknowledgeStateMachineFindings(stack: GoodSwipeStack): void {
  acknowledgeStateMachineRole(stack, stack.entrySaga.role, Object.values(entrySagaSteps));
  acknowledgeStateMachineRole(stack, stack.sealWorkflow.role, Object.values(sealWorkflowSteps));
  acknowledgeStateMachineRole(stack, stack.rebuildWorkflow.role, Object.values(rebuildWorkflowSteps));
}

function acknowledgeStateMachineRole(stack: GoodSwipeStack, role: iam.IRole, steps: readonly FunctionSpec[]): void {
  for (const step of steps) {
    const fn = stack.functions[step.name];
    if (fn === undefined) throw new Error(`workflow step ${step.name} has no function`);
    acknowledge(
      cfnDefaultPolicy(role),
      `AwsSolutions-IAM5[Resource::<${functionLogicalId(stack, fn)}.Arn>:*]`,
      `The LambdaInvoke task may invoke ${step.name} and its versions and aliases (function ARN + ":*"); ` +
        'the wildcard only spans qualifiers of this one function.',
    );
  }
  acknowledge(
    cfnDefaultPolicy(role),
    'AwsSolutions-IAM5[Resource::*]',
    `The state machine's log delivery to CloudWatch Logs and its X-Ray tracing (${STATE_MACHINE_WILDCARD_ACTIONS.join(', ')}) ` +
      'do not support resource-level permissions; no other statement of this policy has "*".',
  );
}

function acknowledgeScheduleFindings(stack: GoodSwipeStack): void {
  for (const job of scheduledJobs) {
    const fn = stack.schedules.functions[job.name];
    const role = stack.schedules.schedulerRoles[job.name];
    if (fn === undefined || role === undefined) throw new Error(`job ${job.name} has no function or scheduler role`);
    acknowledge(
      cfnDefaultPolicy(role),
      `AwsSolutions-IAM5[Resource::<${functionLogicalId(stack, fn)}.Arn>:*]`,
      `The scheduler's role may invoke ${job.name} and its versions and aliases (function ARN + ":*"); ` +
        'the wildcard only spans qualifiers of this one function.',
    );
  }
  acknowledge(
    stack.schedules.deadLetterQueue.node.defaultChild,
    'AwsSolutions-SQS3',
    'This queue is the dead-letter queue of the schedules: it is where failed invocations end; ' +
      'a dead-letter queue of its own would only move them one step further.',
  );
  acknowledge(
    stack.schedules.onFailureQueue.node.defaultChild,
    'AwsSolutions-SQS3',
    "This queue is the scheduled jobs' on-failure destination (Lambda asynchronous invocation): " +
      'the invocation records of runs that failed every retry end here, kept 14 days for inspection ' +
      'and redrive; a dead-letter queue of its own would only move them one step further.',
  );
}

function acknowledgeLevelUpEventFindings(stack: GoodSwipeStack): void {
  acknowledge(
    stack.levelUpEvents.pipeDeadLetterQueue.node.defaultChild,
    'AwsSolutions-SQS3',
    'This queue is the dead-letter queue of the level-up pipe: stream records it could not put on ' +
      'the bus end here (kept 14 days for inspection and redrive); a dead-letter queue of its own ' +
      'would only move them one step further.',
  );
}

function acknowledgeUserPoolFindings(stack: GoodSwipeStack): void {
  const userPool = stack.userPool.node.defaultChild;
  acknowledge(
    userPool,
    'AwsSolutions-COG2',
    'MFA is off by design: a casual mobile game signs players in with email and a strong ' +
      'password; requiring a second factor would cost more players than it protects.',
  );
  acknowledge(
    userPool,
    'AwsSolutions-COG8',
    'The Lite feature plan is used (infra/constructs/auth.ts): threat protection needs Plus, billed ' +
      'at ~3.6x Lite per monthly active user, which a free casual game cannot carry at launch. ' +
      'Revisit if account takeover appears.',
  );
}
