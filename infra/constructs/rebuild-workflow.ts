import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { rebuildWorkflowSteps } from '../workloads.ts';
import type { GoodSwipeFunction, WorkloadWiring } from './lambda.ts';
import { standardStateMachine, workflowSteps } from './workflow-task.ts';

export interface RebuildWorkflowProps {
  /** The steps' functions are wired with these (table, cache, stage). */
  readonly wiring: WorkloadWiring;
}

const STEP_TIMEOUTS: Record<keyof typeof rebuildWorkflowSteps, Duration> = {
  begin: Duration.seconds(30),
  // A segment scans for half of this, then hands over to the next invocation of itself.
  scanSegment: Duration.seconds(120),
  commit: Duration.seconds(30),
  groupBatch: Duration.seconds(60),
};

/**
 * The rebuild workflow: a Step Functions STANDARD state machine started by the WatchLeaderboards
 * job when it finds the global board lost (Redis restarted empty), or on demand by the
 * RebuildLeaderboards job.
 *
 *   BeginRebuild -> RebuildGlobal (Map over 16 scan segments; each loops ScanProfilesSegment until
 *   its segment is read) -> CommitGlobalRebuild (the copy replaces the live board in one step) ->
 *   RebuildGroups (Map over batches of 50 groups, 40 at once) -> Rebuilt
 *
 * Readers keep the old board until the commit; level-ups during the rebuild raise the copy too.
 */
export class RebuildWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: Record<string, GoodSwipeFunction> = {};

  constructor(scope: Construct, id: string, props: RebuildWorkflowProps) {
    super(scope, id);
    const step = workflowSteps(this, rebuildWorkflowSteps, STEP_TIMEOUTS, props.wiring, this.functions);

    const scanSegment = step('scanSegment');
    const scanned = new sfn.Succeed(this, 'SegmentScanned', { stateName: 'SegmentScanned' });
    const rebuildGlobal = new sfn.Map(this, 'RebuildGlobal', {
      stateName: 'RebuildGlobal',
      itemsPath: '$.plan.segments',
      maxConcurrency: 16,
      resultPath: '$.segments',
    });
    rebuildGlobal.itemProcessor(
      scanSegment.next(
        new sfn.Choice(this, 'SegmentDone', { stateName: 'SegmentDone' })
          .when(sfn.Condition.booleanEquals('$.done', true), scanned)
          .otherwise(scanSegment),
      ),
    );
    const rebuildGroups = new sfn.Map(this, 'RebuildGroups', {
      stateName: 'RebuildGroups',
      itemsPath: '$.plan.groupBatches',
      maxConcurrency: 40,
      resultPath: '$.groups',
    });
    rebuildGroups.itemProcessor(step('groupBatch'));

    const definition = step('begin', { resultPath: '$.plan' })
      .next(rebuildGlobal)
      .next(step('commit', { payload: sfn.TaskInput.fromObject({}), resultPath: '$.global' }))
      .next(rebuildGroups)
      .next(new sfn.Succeed(this, 'Rebuilt', { stateName: 'Rebuilt' }));

    // The rebuild marker lives an hour: a rebuild that takes longer must start again.
    this.stateMachine = standardStateMachine(this, { name: 'rebuild', wiring: props.wiring, definition, timeout: Duration.hours(1) });
  }
}
