import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

type StateMachine = { readonly stateMachineArn: string };

/** What both stack targets (infra/stack.ts, infra/localstack/stack.ts) hold and output alike. */
export interface SharedResources {
  readonly table: dynamodb.ITable;
  readonly entrySaga: StateMachine;
  readonly sealWorkflow: StateMachine;
  readonly rebuildWorkflow: StateMachine;
  readonly levelUpEvents: { readonly bus: events.IEventBus; readonly queue: sqs.IQueue };
}

/** The stack outputs both targets have: the table, the workflows, the bus and the level-up queue. */
export function addSharedOutputs(stack: Stack & SharedResources): void {
  new CfnOutput(stack, 'TableName', { value: stack.table.tableName });
  new CfnOutput(stack, 'EntrySagaArn', { value: stack.entrySaga.stateMachineArn });
  new CfnOutput(stack, 'SealWorkflowArn', { value: stack.sealWorkflow.stateMachineArn });
  new CfnOutput(stack, 'RebuildWorkflowArn', { value: stack.rebuildWorkflow.stateMachineArn });
  new CfnOutput(stack, 'EventBusName', { value: stack.levelUpEvents.bus.eventBusName });
  new CfnOutput(stack, 'LevelUpQueueUrl', { value: stack.levelUpEvents.queue.queueUrl });
}
