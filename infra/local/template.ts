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

const refOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && 'Ref' in value ? String((value as { Ref: unknown }).Ref) : undefined;

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

  return { table: { logicalId: tableId, properties: tableResource.Properties ?? {} }, functions, routes };
}

/**
 * A function's environment with CloudFormation references resolved to local names; a value
 * that cannot be resolved locally is an error, not a silent blank.
 */
export function resolveEnvironment(
  environment: Readonly<Record<string, unknown>>,
  physicalIds: ReadonlyMap<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => {
      if (typeof value === 'string' || typeof value === 'number') return [name, String(value)];
      const ref = refOf(value);
      const resolved = ref === undefined ? undefined : physicalIds.get(ref);
      if (resolved === undefined) throw new Error(`cannot resolve environment variable ${name} locally: ${JSON.stringify(value)}`);
      return [name, resolved];
    }),
  );
}
