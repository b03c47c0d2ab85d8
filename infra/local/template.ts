import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../build-app.ts';
import { ENTRY_METADATA_KEY } from '../constructs/lambda.ts';

/**
 * What the local stack needs from the synthesized CloudFormation template. It is read from the
 * template, not from infra/routes.ts, so the local stack serves what `cdk deploy` would deploy.
 */
export interface LocalModel {
  readonly table: TableModel;
  readonly functions: ReadonlyMap<string, FunctionModel>;
  readonly routes: readonly RouteModel[];
  readonly stateMachines: readonly StateMachineModel[];
  readonly schedules: readonly ScheduleModel[];
  /** Functions a deploy runs once (CDK Triggers), in template order. */
  readonly triggers: readonly string[];
  /** Each resource's logical id -> the physical id a `Ref` gives locally. */
  readonly physicalIds: ReadonlyMap<string, string>;
  readonly pipes: readonly PipeModel[];
  readonly rules: readonly RuleModel[];
  readonly queueConsumers: readonly QueueConsumerModel[];
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

const LOCAL_REGION = 'us-east-1';
const LOCAL_ACCOUNT = '000000000000';
const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': LOCAL_REGION,
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

export const localFunctionArn = (logicalId: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
export const localStateMachineArn = (logicalId: string) =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${logicalId}`;

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

/** `{ "Fn::GetAtt": [id, "Arn"] }` or `arn:...:${id.Arn}` inside an Fn::Join: the referenced logical id. */
function getAttTarget(value: unknown): string | undefined {
  const text = JSON.stringify(value);
  return /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(text)?.[1];
}

export function readModel(template: CfnTemplate): LocalModel {
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

  const tables = ofType('AWS::DynamoDB::Table');
  if (tables.length !== 1) throw new Error(`expected one AWS::DynamoDB::Table in the template, found ${tables.length}`);
  const [tableId, tableResource] = tables[0]!;

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
      environment: resource.Properties?.Environment?.Variables ?? {},
    });
  }

  const integrations = new Map(
    ofType('AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, getAttTarget(r.Properties?.IntegrationUri)]),
  );
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([id, r]): RouteModel => {
    const integrationId = /integrations\/.*?"Ref":"([^"]+)"/.exec(JSON.stringify(r.Properties?.Target))?.[1];
    const functionLogicalId = integrationId ? integrations.get(integrationId) : undefined;
    if (!functionLogicalId || !functions.has(functionLogicalId)) {
      throw new Error(`route ${id} (${r.Properties?.RouteKey}) does not target a project function`);
    }
    return {
      routeKey: String(r.Properties.RouteKey),
      functionLogicalId,
      requiresJwt: r.Properties?.AuthorizationType === 'JWT',
    };
  });

  const physicalIds = new Map<string, string>([[tableId, `GoodSwipe-local-${tableId}`]]);
  for (const [id] of ofType('AWS::Lambda::Function')) physicalIds.set(id, id);
  for (const [id] of ofType('AWS::StepFunctions::StateMachine')) physicalIds.set(id, localStateMachineArn(id));
  const functionOfArn = (arn: string) => {
    const id = arn.startsWith(localFunctionArn('')) ? arn.slice(localFunctionArn('').length).split(':')[0] : undefined;
    return id && functions.has(id) ? id : undefined;
  };

  const stateMachines = ofType('AWS::StepFunctions::StateMachine').map(([logicalId, r]): StateMachineModel => {
    const definition = JSON.parse(resolveIntrinsic(r.Properties?.DefinitionString, physicalIds, template));
    const taskFunctions = new Map<string, string>();
    for (const [stateName, state] of Object.entries(definition.States as Record<string, any>)) {
      if (state.Type !== 'Task') continue;
      const fn = functionOfArn(String(state.Parameters?.FunctionName ?? state.Resource));
      if (!fn) throw new Error(`task ${stateName} of ${logicalId} does not invoke a project function`);
      taskFunctions.set(stateName, fn);
    }
    return { logicalId, arn: localStateMachineArn(logicalId), definition, taskFunctions };
  });

  const schedules = ofType('AWS::Scheduler::Schedule').map(([logicalId, r]): ScheduleModel => {
    const target = r.Properties?.Target ?? {};
    const functionLogicalId = functionOfArn(resolveIntrinsic(target.Arn, physicalIds, template));
    if (!functionLogicalId) throw new Error(`schedule ${logicalId} does not target a project function`);
    return {
      name: String(r.Properties?.Name ?? logicalId),
      expression: String(r.Properties?.ScheduleExpression),
      timezone: String(r.Properties?.ScheduleExpressionTimezone ?? 'UTC'),
      functionLogicalId,
      input: typeof target.Input === 'string' ? target.Input : '{}',
    };
  });

  // A CDK Trigger names its function through a version: Custom::Trigger -> AWS::Lambda::Version -> function.
  const triggers = ofType('Custom::Trigger').map(([logicalId, r]) => {
    const handler = JSON.stringify(r.Properties?.HandlerArn);
    const ids = [...handler.matchAll(/"(?:Ref|Fn::GetAtt)":\[?"([^"]+)"/g)].map((m) => m[1]!);
    const viaVersion = ids.map((id) => template.Resources[id]).find((res) => res?.Type === 'AWS::Lambda::Version');
    const fnId = viaVersion ? refOf(viaVersion.Properties?.FunctionName) : ids.find((id) => functions.has(id));
    if (!fnId || !functions.has(fnId)) throw new Error(`trigger ${logicalId} does not run a project function`);
    return fnId;
  });

  const getAttId = (value: unknown) => /"Fn::GetAtt":\["([^"]+)"/.exec(JSON.stringify(value))?.[1];
  const refId = (value: unknown) => /"Ref":"([^"]+)"/.exec(JSON.stringify(value))?.[1];

  const pipes = ofType('AWS::Pipes::Pipe').map(([logicalId, r]): PipeModel => {
    const p = r.Properties ?? {};
    if (getAttId(p.Source) !== tableId) throw new Error(`pipe ${logicalId} does not read the table's stream`);
    const busLogicalId = getAttId(p.Target);
    if (!busLogicalId || template.Resources[busLogicalId]?.Type !== 'AWS::Events::EventBus') {
      throw new Error(`pipe ${logicalId} does not target an event bus`);
    }
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
      const busLogicalId = refId(r.Properties.EventBusName);
      if (!busLogicalId) throw new Error(`rule ${logicalId} is not on a bus of the stack`);
      const queueLogicalIds = (r.Properties.Targets ?? []).map((t: { Arn: unknown }) => {
        const id = getAttId(t.Arn);
        if (!id || template.Resources[id]?.Type !== 'AWS::SQS::Queue') throw new Error(`rule ${logicalId} targets something other than a queue`);
        return id;
      });
      const pattern = typeof r.Properties.EventPattern === 'string' ? JSON.parse(r.Properties.EventPattern) : r.Properties.EventPattern;
      return { busLogicalId, pattern, queueLogicalIds };
    });

  const queueConsumers = ofType('AWS::Lambda::EventSourceMapping').map(([logicalId, r]): QueueConsumerModel => {
    const queueLogicalId = getAttId(r.Properties?.EventSourceArn);
    const functionLogicalId = refId(r.Properties?.FunctionName) ?? getAttId(r.Properties?.FunctionName);
    if (!queueLogicalId || template.Resources[queueLogicalId]?.Type !== 'AWS::SQS::Queue' || !functionLogicalId || !functions.has(functionLogicalId)) {
      throw new Error(`event source mapping ${logicalId} is not a queue read by a project function`);
    }
    const redrive = template.Resources[queueLogicalId]?.Properties?.RedrivePolicy;
    return {
      queueLogicalId,
      functionLogicalId,
      batchSize: Number(r.Properties.BatchSize ?? 10),
      reportBatchItemFailures: (r.Properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      maxReceiveCount: redrive?.maxReceiveCount === undefined ? undefined : Number(redrive.maxReceiveCount),
    };
  });

  return {
    table: { logicalId: tableId, properties: tableResource.Properties ?? {} },
    functions,
    routes,
    stateMachines,
    schedules,
    triggers,
    physicalIds,
    pipes,
    rules,
    queueConsumers,
  };
}

const refOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && 'Ref' in value ? String((value as { Ref: unknown }).Ref) : undefined;

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
