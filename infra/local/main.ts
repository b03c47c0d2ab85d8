import { parseOptions } from './options.ts';
import { PrerequisiteMissing } from './prerequisites.ts';
import { startLocalStack } from './stack.ts';

/** `npm start`: the local stack in the foreground until Ctrl-C. */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const stack = await startLocalStack(options);
  // The ready line comes last: whoever waits for it has every line before it.
  console.log(`Good Swipe local stack: Step Functions API (local control plane, no auth) on ${stack.stepFunctionsEndpoint}`);
  console.log(`Good Swipe local stack: Step Functions console on ${stack.url}/_local/console`);
  console.log(`Good Swipe local stack: EventBridge PutEvents (local control plane, no auth) on ${stack.eventBridgeEndpoint}`);
  console.log(`Good Swipe local stack: API docs on ${stack.url}/docs (OpenAPI at ${stack.url}/openapi.json)`);
  console.log(`Good Swipe local stack listening on ${stack.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`Good Swipe local stack: ${signal}, stopping`);
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof PrerequisiteMissing) console.error(`Good Swipe local stack: ${error.message}`);
  else console.error(`Good Swipe local stack failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
