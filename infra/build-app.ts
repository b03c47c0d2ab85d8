import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeNagFindings } from './nag-suppressions.ts';
import type { PlayerEmailSender } from './constructs/auth.ts';
import { localStackSettingsFromContext } from './localstack/settings.ts';
import { GoodSwipeLocalStack } from './localstack/stack.ts';
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
 * Where the app is deployed (context `target`, default `aws`): AWS itself, or a LocalStack on a
 * developer's machine, which serves only some services without a paid plan. The `localstack`
 * variant is the same app with those services swapped (infra/localstack/stack.ts, README
 * "LocalStack").
 */
export const DEPLOY_TARGETS = ['aws', 'localstack'] as const;
export type DeployTarget = (typeof DEPLOY_TARGETS)[number];

export interface BuiltApp<S> {
  readonly app: App;
  readonly stack: S;
}

/** The app's deploy target from its context; an unknown one is refused, naming the known ones. */
export function deployTargetOf(app: App): DeployTarget {
  const target = (app.node.tryGetContext('target') as unknown) ?? 'aws';
  if (!DEPLOY_TARGETS.includes(target as DeployTarget)) {
    throw new Error(`unknown target ${JSON.stringify(target)}: use -c target=${DEPLOY_TARGETS.join(' or -c target=')}`);
  }
  return target as DeployTarget;
}

/**
 * The app for the target its context names (`cdk synth|deploy -c target=localstack`; default
 * aws): what infra/app.ts synthesizes.
 */
export function buildTargetApp(options: BuildAppOptions = {}): BuiltApp<GoodSwipeStack> | BuiltApp<GoodSwipeLocalStack> {
  const app = newApp(options);
  return deployTargetOf(app) === 'localstack' ? localStackApp(app, options) : awsApp(app, options);
}

/**
 * The CDK app with its one stack `GoodSwipe-<stage>`, checked by cdk-nag (AWS Solutions).
 * Used by `cdk synth/deploy` (through buildTargetApp), by the tests and by the local stack, which
 * synthesize it in-process. It builds the aws target only: a context naming another target
 * is refused rather than ignored.
 */
export function buildApp(options: BuildAppOptions = {}): BuiltApp<GoodSwipeStack> {
  const app = newApp(options);
  expectTarget(app, 'aws');
  return awsApp(app, options);
}

/**
 * The LocalStack variant `GoodSwipe-<stage>` (infra/localstack/stack.ts): the same functions on
 * the services LocalStack serves without a paid plan. Not checked by cdk-nag: its findings are
 * about what runs on AWS, and this stack only ever runs on a developer's LocalStack.
 */
export function buildLocalStackApp(options: BuildAppOptions = {}): BuiltApp<GoodSwipeLocalStack> {
  const app = newApp(options);
  expectTarget(app, 'localstack');
  return localStackApp(app, options);
}

function newApp(options: BuildAppOptions): App {
  return new App({ outdir: options.outdir, context: options.context });
}

/** A builder of one target refuses a context that names another (unset means either). */
function expectTarget(app: App, wanted: DeployTarget): void {
  const target = deployTargetOf(app);
  if (app.node.tryGetContext('target') !== undefined && target !== wanted) {
    throw new Error(`the context asks for target ${target}, but this builds ${wanted}: use buildTargetApp`);
  }
}

function stageOf(app: App, options: BuildAppOptions): string {
  const stage = options.stage ?? (app.node.tryGetContext('stage') as unknown) ?? 'dev';
  if (typeof stage !== 'string' || !STAGE_PATTERN.test(stage) || stage.length > MAX_STAGE_LENGTH) {
    throw new Error(`invalid stage ${JSON.stringify(stage)}: use at most ${MAX_STAGE_LENGTH} lowercase letters and digits, single hyphens between them`);
  }
  return stage;
}

function localStackApp(app: App, options: BuildAppOptions): BuiltApp<GoodSwipeLocalStack> {
  const stage = stageOf(app, options);
  const stack = new GoodSwipeLocalStack(app, `GoodSwipe-${stage}`, { stage, settings: localStackSettingsFromContext(app) });
  return { app, stack };
}

function awsApp(app: App, options: BuildAppOptions): BuiltApp<GoodSwipeStack> {
  const stage = stageOf(app, options);
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
