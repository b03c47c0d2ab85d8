import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../build-app.ts';
import { ENTRY_METADATA_KEY } from '../constructs/lambda.ts';
import { CATCH_UP_METADATA_KEY } from '../constructs/schedules.ts';
import { LOCAL_TABLE_PREFIX } from './dynamodb-local.ts';

/**
 * What the local stack needs from the synthesized CloudFormation template. It is read from the
 * template, not from infra/routes.ts, so the local stack serves what `cdk deploy` would deploy.
 */
export interface LocalModel {
  /** The game table: the one the functions' TABLE_NAME names (its stream is the outbox). */
  readonly table: TableModel;
  /** Every AWS::DynamoDB::Table of the template, the game table among them: each is created locally. */
  readonly tables: readonly TableModel[];
  readonly functions: ReadonlyMap<string, FunctionModel>;
  readonly routes: readonly RouteModel[];
  readonly stateMachines: readonly StateMachineModel[];
  readonly schedules: readonly ScheduleModel[];
  /** Functions a deploy runs once (CDK Triggers), in template order. */
  readonly triggers: readonly string[];
  /** Each resource's logical id -> the physical id a `Ref` gives locally. */
  readonly physicalIds: ReadonlyMap<string, string>;
  readonly pipes: readonly PipeModel[];
  /** The template's event buses (the account's `default` bus is not in it). */
  readonly buses: readonly BusModel[];
  readonly rules: readonly RuleModel[];
  readonly queueConsumers: readonly QueueConsumerModel[];
  /** Function logical id -> its AWS::Lambda::EventInvokeConfig (how asynchronous invocations fail). */
  readonly asyncInvokeConfigs: ReadonlyMap<string, AsyncInvokeConfigModel>;
}

/** A function's asynchronous invocation settings (AWS::Lambda::EventInvokeConfig). */
export interface AsyncInvokeConfigModel {
  readonly functionLogicalId: string;
  /** Retries after the first failed attempt (Lambda's default is 2). */
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds?: number;
  /** The SQS queue that receives the invocation record once retries are exhausted (none: dropped). */
  readonly onFailureQueueLogicalId?: string;
}

/** An EventBridge Pipe from the table's stream to an event bus. */
export interface PipeModel {
  readonly name: string;
  /** Stream records pass if they match any filter (none: all pass). */
  readonly filters: readonly unknown[];
  readonly inputTemplate?: string;
  readonly busLogicalId: string;
  readonly source: string;
  readonly detailType: string;
}

/** An EventBridge event bus of the template; a `Ref` to it gives its name. */
export interface BusModel {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
}

/** An EventBridge rule on a bus, delivering matching events to SQS queues. */
export interface RuleModel {
  readonly busLogicalId: string;
  readonly pattern: unknown;
  readonly queueLogicalIds: readonly string[];
}

/** An SQS queue read by a function (an event source mapping), with its redrive policy. */
export interface QueueConsumerModel {
  readonly queueLogicalId: string;
  readonly functionLogicalId: string;
  readonly batchSize: number;
  readonly reportBatchItemFailures: boolean;
  /** Receives before a message goes to the dead-letter queue (undefined: never). */
  readonly maxReceiveCount?: number;
}

export interface StateMachineModel {
  readonly logicalId: string;
  readonly arn: string;
  /** StateMachineType; CloudFormation's default is STANDARD. */
  readonly type: 'STANDARD' | 'EXPRESS';
  /** The ASL with every reference resolved to a local name or ARN. */
  readonly definition: Record<string, unknown>;
  /** Task state name -> the function it invokes. */
  readonly taskFunctions: ReadonlyMap<string, string>;
}

export interface ScheduleModel {
  readonly name: string;
  /** `cron(...)` or `rate(...)`, in UTC. */
  readonly expression: string;
  readonly timezone: string;
  readonly functionLogicalId: string;
  /** The target's input, with `<aws.scheduler.*>` placeholders still in it. */
  readonly input: string;
  /** A catch-up job: of several missed runs only the last matters (the CATCH_UP_METADATA_KEY metadata). */
  readonly catchUp: boolean;
}

export interface TableModel {
  readonly logicalId: string;
  /** The AWS::DynamoDB::Table properties: CreateTable's input, almost verbatim. */
  readonly properties: Record<string, unknown>;
}

export interface FunctionModel {
  readonly logicalId: string;
  /** Repository-relative handler module (the ENTRY_METADATA_KEY metadata). */
  readonly entry: string;
  /** Exported name, from `Handler: index.<name>`. */
  readonly exportName: string;
  readonly timeoutSeconds: number;
  /** ReservedConcurrentExecutions: at most this many invocations at once (and no more). */
  readonly reservedConcurrency?: number;
  readonly environment: Readonly<Record<string, unknown>>;
}

export interface RouteModel {
  readonly routeKey: string;
  readonly functionLogicalId: string;
  readonly requiresJwt: boolean;
}

export type CfnTemplate = { Resources: Record<string, { Type: string; Properties?: any; Metadata?: any }> };

/** Synthesizes the CDK app in-process with bundling skipped (only the template is needed). */
export function synthesizeTemplate(stage = 'local'): CfnTemplate {
  const outdir = mkdtempSync(path.join(tmpdir(), 'goodswipe-synth-'));
  try {
    const { app, stack } = buildApp({ stage, outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    return app.synth().getStackArtifact(stack.artifactId).template as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

export const localFunctionArn = (logicalId: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
export const localStateMachineArn = (logicalId: string) =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${logicalId}`;
export const localEventBusArn = (name: string) => `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${name}`;

/**
 * Evaluates the intrinsics CDK writes (Ref, Fn::GetAtt ... Arn, Fn::Join) against local names.
 * Anything else cannot be known locally and is an error, not a silent blank.
 */
export function resolveIntrinsic(value: unknown, physicalIds: ReadonlyMap<string, string>, template: CfnTemplate): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v['Ref'] === 'string') {
      const id = v['Ref'];
      const resolved = PSEUDO_PARAMETERS[id] ?? physicalIds.get(id);
      if (resolved !== undefined) return resolved;
    }
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn') {
      const type = template.Resources[String(getAtt[0])]?.Type;
      if (type === 'AWS::Lambda::Function') return localFunctionArn(String(getAtt[0]));
      if (type === 'AWS::StepFunctions::StateMachine') return localStateMachineArn(String(getAtt[0]));
    }
    const join = v['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) {
      return (join[1] as unknown[]).map((part) => resolveIntrinsic(part, physicalIds, template)).join(String(join[0]));
    }
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)} locally`);
}

/**
 * The resource a property points at: the one logical id that its `Ref`s and `Fn::GetAtt`s name,
 * wherever they sit (alone, or inside the `Fn::Join` that builds an ARN or a path). Pseudo
 * parameters (`AWS::Region`) are not resources. Undefined when it names none; two is an error.
 */
export function referencedResource(value: unknown): string | undefined {
  const ids = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const { Ref: ref, 'Fn::GetAtt': getAtt } = node as Record<string, unknown>;
    if (typeof ref === 'string' && !(ref in PSEUDO_PARAMETERS)) ids.add(ref);
    else if (Array.isArray(getAtt)) ids.add(String(getAtt[0]));
    else Object.values(node).forEach(visit);
  };
  visit(value);
  if (ids.size > 1) throw new Error(`${JSON.stringify(value)} refers to several resources (${[...ids].join(', ')})`);
  return ids.values().next().value;
}

export function readModel(template: CfnTemplate): LocalModel {
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

  const tables = ofType('AWS::DynamoDB::Table');

  const functions = new Map<string, FunctionModel>();
  for (const [logicalId, resource] of ofType('AWS::Lambda::Function')) {
    const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
    if (typeof entry !== 'string') continue; // CDK's own helper functions (log retention, custom resources)
    const handler = String(resource.Properties?.Handler ?? 'index.handler');
    functions.set(logicalId, {
      logicalId,
      entry,
      exportName: handler.slice(handler.lastIndexOf('.') + 1),
      timeoutSeconds: Number(resource.Properties?.Timeout ?? 3),
      ...(resource.Properties?.ReservedConcurrentExecutions !== undefined && {
        reservedConcurrency: Number(resource.Properties.ReservedConcurrentExecutions),
      }),
      environment: resource.Properties?.Environment?.Variables ?? {},
    });
  }

  // The game table is the one the functions' TABLE_NAME names; any other (the entry idempotency
  // records) is named by its own variable of the functions that use it.
  const gameTables = new Set([...functions.values()].flatMap((fn) => referencedResource(fn.environment['TABLE_NAME']) ?? []));
  if (gameTables.size !== 1) throw new Error(`expected the functions' TABLE_NAME to name one table, found ${[...gameTables].join(', ') || 'none'}`);
  const [tableId] = [...gameTables] as [string];
  const tableResource = template.Resources[tableId];
  if (tableResource?.Type !== 'AWS::DynamoDB::Table') throw new Error(`TABLE_NAME names ${tableId}, not an AWS::DynamoDB::Table`);

  /** The logical id of the resource `value` refers to, which must be of `type` (else `what` failed). */
  const resourceOf = (value: unknown, type: string, what: string): string => {
    const id = referencedResource(value);
    if (id === undefined || template.Resources[id]?.Type !== type) throw new Error(what);
    return id;
  };
  const projectFunctionOf = (value: unknown, what: string): string => {
    const id = resourceOf(value, 'AWS::Lambda::Function', what);
    if (!functions.has(id)) throw new Error(what);
    return id;
  };

  const routes = ofType('AWS::ApiGatewayV2::Route').map(([id, r]): RouteModel => {
    const what = `route ${id} (${r.Properties?.RouteKey}) does not target a project function`;
    const integrationId = resourceOf(r.Properties?.Target, 'AWS::ApiGatewayV2::Integration', what);
    const functionLogicalId = projectFunctionOf(template.Resources[integrationId]!.Properties?.IntegrationUri, what);
    return {
      routeKey: String(r.Properties.RouteKey),
      functionLogicalId,
      requiresJwt: r.Properties?.AuthorizationType === 'JWT',
    };
  });

  const physicalIds = new Map<string, string>(tables.map(([id]) => [id, `${LOCAL_TABLE_PREFIX}${id}`]));
  for (const [id] of ofType('AWS::Lambda::Function')) physicalIds.set(id, id);
  for (const [id] of ofType('AWS::StepFunctions::StateMachine')) physicalIds.set(id, localStateMachineArn(id));
  const buses = ofType('AWS::Events::EventBus').map(([logicalId, r]): BusModel => {
    const name = r.Properties?.Name;
    if (typeof name !== 'string') throw new Error(`event bus ${logicalId} has no literal Name`);
    return { logicalId, name, arn: localEventBusArn(name) };
  });
  // A bus's Ref is its name (a function's EVENT_BUS_NAME).
  for (const bus of buses) physicalIds.set(bus.logicalId, bus.name);
  const functionOfArn = (arn: string) => {
    const id = arn.startsWith(localFunctionArn('')) ? arn.slice(localFunctionArn('').length).split(':')[0] : undefined;
    return id && functions.has(id) ? id : undefined;
  };

  const stateMachines = ofType('AWS::StepFunctions::StateMachine').map(([logicalId, r]): StateMachineModel => {
    const definition = JSON.parse(resolveIntrinsic(r.Properties?.DefinitionString, physicalIds, template));
    const taskFunctions = new Map<string, string>();
    for (const [stateName, state] of allStates(definition.States)) {
      if (state.Type !== 'Task') continue;
      const fn = functionOfArn(String(state.Parameters?.FunctionName ?? state.Resource));
      if (!fn) throw new Error(`task ${stateName} of ${logicalId} does not invoke a project function`);
      // State names are unique across a state machine, nested ones included (ASL requires it).
      taskFunctions.set(stateName, fn);
    }
    const type = r.Properties?.StateMachineType ?? 'STANDARD';
    if (type !== 'STANDARD' && type !== 'EXPRESS') throw new Error(`state machine ${logicalId} has an unknown type ${type}`);
    return { logicalId, arn: localStateMachineArn(logicalId), type, definition, taskFunctions };
  });

  const schedules = ofType('AWS::Scheduler::Schedule').map(([logicalId, r]): ScheduleModel => {
    const target = r.Properties?.Target ?? {};
    return {
      name: String(r.Properties?.Name ?? logicalId),
      expression: String(r.Properties?.ScheduleExpression),
      timezone: String(r.Properties?.ScheduleExpressionTimezone ?? 'UTC'),
      functionLogicalId: projectFunctionOf(target.Arn, `schedule ${logicalId} does not target a project function`),
      input: typeof target.Input === 'string' ? target.Input : '{}',
      catchUp: r.Metadata?.[CATCH_UP_METADATA_KEY] === true,
    };
  });

  // A CDK Trigger names its function through a version: Custom::Trigger -> AWS::Lambda::Version -> function.
  const triggers = ofType('Custom::Trigger').map(([logicalId, r]) => {
    const what = `trigger ${logicalId} does not run a project function`;
    const handler = r.Properties?.HandlerArn;
    const version = template.Resources[referencedResource(handler) ?? ''];
    return projectFunctionOf(version?.Type === 'AWS::Lambda::Version' ? version.Properties?.FunctionName : handler, what);
  });

  const pipes = ofType('AWS::Pipes::Pipe').map(([logicalId, r]): PipeModel => {
    const p = r.Properties ?? {};
    if (referencedResource(p.Source) !== tableId) throw new Error(`pipe ${logicalId} does not read the table's stream`);
    const busLogicalId = resourceOf(p.Target, 'AWS::Events::EventBus', `pipe ${logicalId} does not target an event bus`);
    const bus = p.TargetParameters?.EventBridgeEventBusParameters ?? {};
    return {
      name: String(p.Name ?? logicalId),
      filters: (p.SourceParameters?.FilterCriteria?.Filters ?? []).map((f: { Pattern: string }) => JSON.parse(f.Pattern)),
      inputTemplate: p.TargetParameters?.InputTemplate,
      busLogicalId,
      source: String(bus.Source),
      detailType: String(bus.DetailType),
    };
  });

  const rules = ofType('AWS::Events::Rule')
    .filter(([, r]) => r.Properties?.EventBusName !== undefined && r.Properties?.EventPattern !== undefined)
    .map(([logicalId, r]): RuleModel => {
      const busLogicalId = resourceOf(r.Properties.EventBusName, 'AWS::Events::EventBus', `rule ${logicalId} is not on a bus of the stack`);
      const queueLogicalIds = (r.Properties.Targets ?? []).map((t: { Arn: unknown }) =>
        resourceOf(t.Arn, 'AWS::SQS::Queue', `rule ${logicalId} targets something other than a queue`),
      );
      const pattern = typeof r.Properties.EventPattern === 'string' ? JSON.parse(r.Properties.EventPattern) : r.Properties.EventPattern;
      return { busLogicalId, pattern, queueLogicalIds };
    });

  const queueConsumers = ofType('AWS::Lambda::EventSourceMapping').map(([logicalId, r]): QueueConsumerModel => {
    const what = `event source mapping ${logicalId} is not a queue read by a project function`;
    const queueLogicalId = resourceOf(r.Properties?.EventSourceArn, 'AWS::SQS::Queue', what);
    const functionLogicalId = projectFunctionOf(r.Properties?.FunctionName, what);
    const redrive = template.Resources[queueLogicalId]?.Properties?.RedrivePolicy;
    return {
      queueLogicalId,
      functionLogicalId,
      batchSize: Number(r.Properties.BatchSize ?? 10),
      reportBatchItemFailures: (r.Properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      maxReceiveCount: redrive?.maxReceiveCount === undefined ? undefined : Number(redrive.maxReceiveCount),
    };
  });

  const asyncInvokeConfigs = new Map(
    ofType('AWS::Lambda::EventInvokeConfig').map(([logicalId, r]): [string, AsyncInvokeConfigModel] => {
      const p = r.Properties ?? {};
      const functionLogicalId = projectFunctionOf(p.FunctionName, `event invoke config ${logicalId} is not on a project function`);
      const onFailure = p.DestinationConfig?.OnFailure?.Destination;
      const onFailureQueueLogicalId =
        onFailure === undefined
          ? undefined
          : resourceOf(onFailure, 'AWS::SQS::Queue', `event invoke config ${logicalId} has an on-failure destination other than a queue of the stack`);
      return [
        functionLogicalId,
        {
          functionLogicalId,
          maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? 2),
          ...(p.MaximumEventAgeInSeconds === undefined ? {} : { maximumEventAgeSeconds: Number(p.MaximumEventAgeInSeconds) }),
          ...(onFailureQueueLogicalId === undefined ? {} : { onFailureQueueLogicalId }),
        },
      ];
    }),
  );

  return {
    table: { logicalId: tableId, properties: tableResource.Properties ?? {} },
    tables: tables.map(([logicalId, r]) => ({ logicalId, properties: r.Properties ?? {} })),
    functions,
    routes,
    stateMachines,
    schedules,
    triggers,
    physicalIds,
    pipes,
    buses,
    rules,
    queueConsumers,
    asyncInvokeConfigs,
  };
}

/** Every state of an ASL definition, with those inside Map item processors and Parallel branches. */
function allStates(states: Record<string, any>): [string, any][] {
  return Object.entries(states).flatMap(([name, state]): [string, any][] => {
    const nested = [state.ItemProcessor ?? state.Iterator, ...(state.Branches ?? [])].filter(Boolean);
    return [[name, state], ...nested.flatMap((machine: { States: Record<string, any> }) => allStates(machine.States))];
  });
}

/**
 * A function's environment with CloudFormation references resolved to local names. Variables
 * that point at AWS-only resources (the ElastiCache endpoint) take the local stack's value.
 */
export function resolveEnvironment(
  environment: Readonly<Record<string, unknown>>,
  model: Pick<LocalModel, 'physicalIds'>,
  template: CfnTemplate,
  localValues: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [
      name,
      localValues[name] ?? resolveIntrinsic(value, model.physicalIds, template),
    ]),
  );
}
