import { config, required } from '../config.ts';
import { once } from '../once.ts';
import { EntrySagaRunner } from './entry-saga-runner.ts';
import { WorkflowStarter } from './workflow-starter.ts';

/* The composition root's Step Functions adapters (see repositories.ts). */

export const entrySagaRunner = once(() => new EntrySagaRunner(required('ENTRY_SAGA_ARN'), config().STEPFUNCTIONS_ENDPOINT));

export const sealWorkflow = once(() => new WorkflowStarter(required('SEAL_WORKFLOW_ARN'), config().STEPFUNCTIONS_ENDPOINT));

export const rebuildWorkflow = once(() => new WorkflowStarter(required('REBUILD_WORKFLOW_ARN'), config().STEPFUNCTIONS_ENDPOINT));
