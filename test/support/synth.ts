import type { App, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/build-app.ts';
import type { CfnTemplate } from '../../infra/local/template.ts';
import type { GoodSwipeStack } from '../../infra/stack.ts';
import { skipBundling, type TemplateResource } from './template.ts';

/** The `test` stage's app, its stack and the CloudFormation it synthesizes. */
export interface SynthesizedStack {
  readonly app: App;
  /** The construct tree, for tests that find logical ids through constructs. */
  readonly stack: GoodSwipeStack;
  readonly template: Template;
  /** `template.toJSON()`, typed the way both the assertion tests and the local model read it. */
  readonly json: CfnTemplate & { Resources: Record<string, TemplateResource> };
}

let synthesized: SynthesizedStack | undefined;

/**
 * The `test` stage synthesized once per worker (bundling skipped, cdk-nag included): a synthesis
 * takes 10-20 s, and the infra project runs its files in one module graph (`isolate: false`), so
 * every file of a worker shares this one. Treat it as read-only: a test that adds constructs
 * builds its own app.
 */
export function synthesizedStack(): SynthesizedStack {
  if (!synthesized) {
    const { app, stack } = buildApp({ stage: 'test', context: skipBundling });
    const template = Template.fromStack(stack);
    synthesized = { app, stack, template, json: template.toJSON() as SynthesizedStack['json'] };
  }
  return synthesized;
}

/** The synthesized stack's resources of one CloudFormation type, with their logical ids. */
export function resourcesOfType(type: string): [logicalId: string, resource: TemplateResource][] {
  return Object.entries(synthesizedStack().json.Resources).filter(([, r]) => r.Type === type);
}

/** The logical id of a construct's CloudFormation resource in the synthesized stack. */
export function logicalIdOf(construct: IConstruct | undefined): string {
  if (!construct) throw new Error('no such construct');
  return synthesizedStack().stack.getLogicalId(construct.node.defaultChild as CfnElement);
}
