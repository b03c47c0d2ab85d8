import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** The stack outputs both targets have (infra/stack.ts, infra/localstack/stack.ts): the table, the workflows, the bus and the level-up queue. */
export function addSharedOutputs(
  stack: Stack,
  resources: {
    readonly table: dynamodb.ITable;
    readonly entrySaga: sfn.IStateMachine;
    readonly sealWorkflow: sfn.IStateMachine;
    readonly rebuildWorkflow: sfn.IStateMachine;
    readonly bus: events.IEventBus;
    readonly levelUpQueue: sqs.IQueue;
  },
): void {
  new CfnOutput(stack, 'TableName', { value: resources.table.tableName });
  new CfnOutput(stack, 'EntrySagaArn', { value: resources.entrySaga.stateMachineArn });
  new CfnOutput(stack, 'SealWorkflowArn', { value: resources.sealWorkflow.stateMachineArn });
  new CfnOutput(stack, 'RebuildWorkflowArn', { value: resources.rebuildWorkflow.stateMachineArn });
  new CfnOutput(stack, 'EventBusName', { value: resources.bus.eventBusName });
  new CfnOutput(stack, 'LevelUpQueueUrl', { value: resources.levelUpQueue.queueUrl });
}
