import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** infra/constructs -> repository root: handler entries in routes.ts are relative to it. */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * CloudFormation metadata key naming the function's handler module (repository-relative).
 * The local stack reads it from the synthesized template to import the same handler.
 */
export const ENTRY_METADATA_KEY = 'goodswipe:entry';

export interface GoodSwipeFunctionProps {
  /** Handler module relative to the repository root (exports `handler`), as in routes.ts. */
  readonly entry: string;
  readonly stage: string;
  /** What happens to the function's log group when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** Variables added to the project-wide defaults. */
  readonly environment?: Record<string, string>;
}

/** A Node.js Lambda function with the project's runtime, bundling, observability and logging defaults. */
export class GoodSwipeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: GoodSwipeFunctionProps) {
    // The function owns its log group, so retention and removal are explicit (no LogRetention custom resource).
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });

    super(scope, id, {
      entry: path.join(repoRoot, props.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies bundled into an ES module still call require(); give them one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // The Node.js 22 runtime ships AWS SDK v3.
        externalModules: ['@aws-sdk/*'],
      },
      environment: {
        POWERTOOLS_SERVICE_NAME: 'good-swipe',
        POWERTOOLS_METRICS_NAMESPACE: 'GoodSwipe',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        STAGE: props.stage,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });

    (this.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA_KEY, props.entry);
  }
}
