import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag-suppressions.ts';
import type { PlayerEmailSender } from './constructs/auth.ts';
import { GoodSwipeStack } from './stack.ts';

export interface BuildAppOptions {
  /** Defaults to the app's `stage` context, then `dev`. */
  readonly stage?: string;
  readonly outdir?: string;
  /** Extra context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip esbuild bundling. */
  readonly context?: Record<string, unknown>;
}

/**
 * Stage names end up in stack and resource names: keep them to what every AWS service accepts.
 * The tightest is the serverless cache's name `good-swipe-<stage>` (at most 40 characters,
 * a letter first, no two hyphens in a row, no hyphen last), so at most 29 characters, lowercase
 * letters and digits, single hyphens between them. The others fit then: schedule names
 * `good-swipe-<stage>-<Job>` (64), the pipe `good-swipe-<stage>-level-ups` (64), state machines (80),
 * the SNS topic (256), the stack `GoodSwipe-<stage>` (128).
 */
const STAGE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+$/;
const MAX_STAGE_LENGTH = 29;

/**
 * The CDK app with its one stack `GoodSwipe-<stage>`, checked by cdk-nag (AWS Solutions).
 * Used by infra/app.ts (`cdk synth/deploy`), by the tests and by the local stack, which
 * synthesize it in-process.
 */
export function buildApp(options: BuildAppOptions = {}): { app: App; stack: GoodSwipeStack } {
  const app = new App({ outdir: options.outdir, context: options.context });
  const stage = options.stage ?? (app.node.tryGetContext('stage') as unknown) ?? 'dev';
  if (typeof stage !== 'string' || !STAGE_PATTERN.test(stage) || stage.length > MAX_STAGE_LENGTH) {
    throw new Error(`invalid stage ${JSON.stringify(stage)}: use at most ${MAX_STAGE_LENGTH} lowercase letters and digits, single hyphens between them`);
  }

  const alarmEmail = app.node.tryGetContext('alarmEmail') as unknown;
  if (alarmEmail !== undefined && (typeof alarmEmail !== 'string' || !EMAIL_PATTERN.test(alarmEmail))) {
    throw new Error(`invalid alarmEmail ${JSON.stringify(alarmEmail)}: give one email address`);
  }
  const stack = new GoodSwipeStack(app, `GoodSwipe-${stage}`, { stage, alarmEmail, playerEmail: playerEmailFromContext(app) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  acknowledgeNagFindings(stack);
  return { app, stack };
}

/**
 * Players' emails through SES, from context: `-c sesFromEmail=no-reply@example.com` (a verified
 * SES identity) and `-c sesRegion=us-east-1` (the identity's region: the stack is
 * environment-agnostic, so CDK cannot assume its own), optionally `-c sesFromName="Good Swipe"`.
 */
function playerEmailFromContext(app: App): PlayerEmailSender | undefined {
  const context = (key: string): string | undefined => {
    const value = app.node.tryGetContext(key) as unknown;
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new Error(`invalid ${key} ${JSON.stringify(value)}`);
    return value as string | undefined;
  };
  const fromEmail = context('sesFromEmail');
  const fromName = context('sesFromName');
  const sesRegion = context('sesRegion');
  if (fromEmail === undefined) {
    if (fromName !== undefined || sesRegion !== undefined) throw new Error('sesFromName and sesRegion need sesFromEmail');
    return undefined;
  }
  if (!EMAIL_PATTERN.test(fromEmail)) throw new Error(`invalid sesFromEmail ${JSON.stringify(fromEmail)}: give one email address`);
  if (sesRegion === undefined) throw new Error('sesFromEmail needs sesRegion: the region of its verified SES identity');
  return { fromEmail, fromName, sesRegion };
}
