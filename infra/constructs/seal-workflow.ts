import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { sealFanOut } from '../../shared/domain/seal.ts';
import { sealWorkflowSteps } from '../workloads.ts';
import type { GoodSwipeFunction, WorkloadWiring } from './lambda.ts';
import { standardStateMachine, workflowSteps } from './workflow-task.ts';

export interface SealWorkflowProps {
  /** The steps' functions are wired with these (table, stage). */
  readonly wiring: WorkloadWiring;
}

/** Per step: a worker seals 50 groups (50 Queries + 50 writes); on AWS about half a second. */
const STEP_TIMEOUTS: Record<keyof typeof sealWorkflowSteps, Duration> = {
  checkScores: Duration.seconds(30),
  plan: Duration.seconds(30),
  sealBatch: Duration.seconds(60),
  finish: Duration.seconds(10),
};

/**
 * The seal workflow: a Step Functions STANDARD state machine started once a day by the close
 * schedule (execution name `seal-<tournamentId>`):
 *
 *   CheckScores -> ScoresReady? --no--> WaitForScores -> CheckScores
 *                      | yes
 *                 AlreadyClosed? --yes--> Sealed
 *                      | no
 *                 PlanSeal -> SealGroups (Map over batches of 50 groups, 10 at once) -> FinishSeal -> Sealed
 *
 * Every step is short and idempotent (conditional writes; a sealed group is skipped), so a
 * retried step, a timed-out worker or a redriven execution finishes the seal without double work.
 */
export class SealWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Step functions by step name (CheckScores, PlanSeal, SealGroupBatch, FinishSeal). */
  readonly functions: Record<string, GoodSwipeFunction> = {};

  constructor(scope: Construct, id: string, props: SealWorkflowProps) {
    super(scope, id);

    const step = workflowSteps(this, sealWorkflowSteps, STEP_TIMEOUTS, props.wiring, this.functions);

    const tournamentId = sfn.JsonPath.stringAt('$.tournamentId');
    const checkScores = step('checkScores', {
      payload: sfn.TaskInput.fromObject({ tournamentId, startedAt: sfn.JsonPath.stringAt('$.startedAt') }),
      resultPath: '$.check',
    });
    const waitForScores = new sfn.Wait(this, 'WaitForScores', {
      stateName: 'WaitForScores',
      time: sfn.WaitTime.secondsPath('$.check.waitSeconds'),
    });
    const plan = step('plan', { payload: sfn.TaskInput.fromObject({ tournamentId }), resultPath: '$.plan' });
    const sealGroups = new sfn.Map(this, 'SealGroups', {
      stateName: 'SealGroups',
      itemsPath: '$.plan.batches',
      // An inline Map (at most 40 at once; ~600 batches at 1,000,000 entrants keep the history near
      // 4,500 events of Standard's 25,000): no Distributed Map needed (README, "Sealing a day at scale").
      maxConcurrency: sealFanOut.batchesAtOnce,
      itemSelector: {
        tournamentId,
        from: sfn.JsonPath.numberAt('$$.Map.Item.Value.from'),
        to: sfn.JsonPath.numberAt('$$.Map.Item.Value.to'),
      },
      resultPath: '$.batches',
    });
    sealGroups.itemProcessor(step('sealBatch'));
    const finish = step('finish', {
      payload: sfn.TaskInput.fromObject({
        tournamentId,
        check: sfn.JsonPath.objectAt('$.check'),
        batches: sfn.JsonPath.listAt('$.batches'),
      }),
    });
    const sealed = new sfn.Succeed(this, 'Sealed', { stateName: 'Sealed' });

    const definition = checkScores.next(
      new sfn.Choice(this, 'ScoresReady', { stateName: 'ScoresReady' })
        .when(
          sfn.Condition.booleanEquals('$.check.ready', true),
          new sfn.Choice(this, 'AlreadyClosed', { stateName: 'AlreadyClosed' })
            .when(sfn.Condition.booleanEquals('$.check.alreadyClosed', true), sealed)
            .otherwise(plan.next(sealGroups).next(finish).next(sealed)),
        )
        .otherwise(waitForScores.next(checkScores)),
    );

    // The drain waits 30 minutes at most; the seal itself takes minutes at 1,000,000 entrants.
    this.stateMachine = standardStateMachine(this, { name: 'seal', wiring: props.wiring, definition, timeout: Duration.hours(3) });
  }
}
