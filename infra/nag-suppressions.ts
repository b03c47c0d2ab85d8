import { Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';
import { httpRoutes } from './routes.ts';
import type { GoodSwipeStack } from './stack.ts';

/**
 * The cdk-nag (AWS Solutions) findings this stack accepts, each on the one resource it is about
 * and, for granular rules, for the one finding (`Rule[finding]`) it is about. cdk-nag 3 reads
 * these acknowledgements from the construct tree; anything not listed here fails synthesis.
 */
export function acknowledgeNagFindings(stack: GoodSwipeStack): void {
  acknowledgeFunctionFindings(stack);
  acknowledgeTableGrantFindings(stack);
  acknowledgeUserPoolFindings(stack);
}

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

function acknowledgeFunctionFindings(stack: GoodSwipeStack): void {
  for (const fn of Object.values(stack.functions)) {
    const role = fn.role;
    if (role === undefined) throw new Error(`${fn.node.path} has no execution role`);
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs; ' +
        'it is the AWS-maintained minimum for a Lambda function and carries no data access.',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'Active X-Ray tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, ' +
        'which do not support resource-level permissions, so their resource must be "*".',
    );
    acknowledge(
      fn.node.defaultChild ?? fn,
      'AwsSolutions-L1',
      'The project pins the nodejs22.x runtime (architecture decision: the local stack and CI run ' +
        'Node 22, so what is tested is what runs); it is a supported LTS runtime.',
    );
  }
}

function acknowledgeTableGrantFindings(stack: GoodSwipeStack): void {
  const tableLogicalId = stack.getLogicalId(stack.table.node.defaultChild as dynamodb.CfnTable);
  for (const route of httpRoutes) {
    const role = stack.functions[route.name]?.role;
    if (role === undefined) throw new Error(`route ${route.name} has no function role`);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
      "table.grant() covers the game table's own indexes (table ARN + /index/*) with only the " +
        "route's listed actions; the wildcard stays inside this one table.",
    );
  }
}

function acknowledgeUserPoolFindings(stack: GoodSwipeStack): void {
  const userPool = stack.userPool.node.defaultChild ?? stack.userPool;
  acknowledge(
    userPool,
    'AwsSolutions-COG2',
    'MFA is off by design: a casual mobile game signs players in with email and a strong ' +
      'password; requiring a second factor would cost more players than it protects.',
  );
  acknowledge(
    userPool,
    'AwsSolutions-COG8',
    'The Essentials feature plan is used: Plus (threat protection) is billed per monthly active ' +
      'user, which a free casual game cannot carry at launch. Revisit if account takeover appears.',
  );
}
