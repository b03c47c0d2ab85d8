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

/** The one item of a list the test expects exactly one of. */
export function only<T>(items: readonly T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected one ${what}, found ${items.length}`);
  return items[0]!;
}
