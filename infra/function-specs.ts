import { httpRoutes } from './routes.ts';
import { entrySagaSteps, levelUpEvents, maintenanceJobs, rebuildWorkflowSteps, scheduledJobs, sealWorkflowSteps, type FunctionSpec } from './workloads.ts';

/** Every FunctionSpec the stack builds a function from: routes, saga steps, jobs, the level-up consumer. */
export const allFunctionSpecs: readonly FunctionSpec[] = [
  ...httpRoutes,
  ...Object.values(entrySagaSteps),
  ...scheduledJobs,
  ...Object.values(sealWorkflowSteps),
  levelUpEvents.consumer,
  ...maintenanceJobs,
  ...Object.values(rebuildWorkflowSteps),
];
