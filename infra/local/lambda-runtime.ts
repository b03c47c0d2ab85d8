import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionModel, LocalModel } from './template.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** JSON round trip: a handler gets and returns copies, as across Lambda's wire. */
const overTheWire = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

/**
 * Runs the template's functions in this process: imports each `goodswipe:entry` module once
 * (a warm container) and invokes its handler with a Lambda-shaped context.
 */
export class LocalLambdaRuntime {
  private readonly loaded = new Map<string, Promise<Handler>>();

  constructor(
    private readonly model: LocalModel,
    private readonly repoRoot: string,
  ) {}

  async invoke(functionLogicalId: string, event: unknown): Promise<unknown> {
    const fn = this.model.functions.get(functionLogicalId);
    if (!fn) throw new Error(`no function ${functionLogicalId} in the template`);
    const handler = await this.handlerOf(fn);
    return overTheWire(await handler(overTheWire(event), lambdaContext(fn)));
  }

  private handlerOf(fn: FunctionModel): Promise<Handler> {
    let handler = this.loaded.get(fn.logicalId);
    if (!handler) {
      handler = import(pathToFileURL(path.join(this.repoRoot, fn.entry)).href).then((module) => {
        const exported = module[fn.exportName];
        if (typeof exported !== 'function') throw new Error(`${fn.entry} does not export ${fn.exportName}`);
        return exported as Handler;
      });
      this.loaded.set(fn.logicalId, handler);
    }
    return handler;
  }
}

function lambdaContext(fn: FunctionModel): Context {
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  const name = `local-${fn.logicalId}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
