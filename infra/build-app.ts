import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag-suppressions.ts';
import { GoodSwipeStack } from './stack.ts';

export interface BuildAppOptions {
  /** Defaults to the app's `stage` context, then `dev`. */
  readonly stage?: string;
  readonly outdir?: string;
  /** Extra context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip esbuild bundling. */
  readonly context?: Record<string, unknown>;
}

/** Stage names end up in stack and resource names: keep them to what every AWS service accepts. */
const STAGE_PATTERN = /^[a-z0-9-]+$/;

/**
 * The CDK app with its one stack `GoodSwipe-<stage>`, checked by cdk-nag (AWS Solutions).
 * Used by infra/app.ts (`cdk synth/deploy`), by the tests and by the local stack, which
 * synthesize it in-process.
 */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: GoodSwipeStack } {
  const app = new App({ outdir: options.outdir, context: options.context });
  const stage = options.stage ?? (app.node.tryGetContext('stage') as unknown) ?? 'dev';
  if (typeof stage !== 'string' || !STAGE_PATTERN.test(stage)) {
    throw new Error(`invalid stage ${JSON.stringify(stage)}: use lowercase letters, digits and hyphens`);
  }

  const stack = new GoodSwipeStack(app, `GoodSwipe-${stage}`, { stage });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeNagFindings(stack);
  return { app, stack };
}
