/** Shapes of the synthesized template that the CDK assertion tests read. */

/** Template-only tests: no esbuild bundling (app-synth.test.ts covers it). */
export const skipBundling = { 'aws:cdk:bundling-stacks': [] };

export interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: string[];
}

export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}
