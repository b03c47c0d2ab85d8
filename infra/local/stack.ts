import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { installClock } from '../../shared/adapters/clock.ts';
import { redisKeyPrefix } from '../constructs/lambda.ts';
import { REPO_ROOT } from '../repo-root.ts';
import { installFaultInjector } from '../../shared/adapters/faults.ts';
import { createRedis } from '../../shared/adapters/redis/client.ts';
import { LocalAsyncInvoker, LocalDestinationQueues } from './async-invoke.ts';
import { LocalClock } from './clock.ts';
import { ensureTable, localClient, startDynamoDbLocal } from './dynamodb-local.ts';
import { LocalFaults } from './faults.ts';
import { listenLocally } from './http-io.ts';
import { createLocalHttpServer } from './http-server.ts';
import { LocalJwtIssuer } from './jwt-issuer.ts';
import { LocalLambdaRuntime, logLocalStackLine } from './lambda-runtime.ts';
import { LocalMetricsCollector } from './metrics-collector.ts';
import { installMetricsSink } from '../../shared/adapters/emf-metrics.ts';
import type { LocalStackOptions } from './options.ts';
import { requireJava17 } from './prerequisites.ts';
import { ensureRedis } from './redis-server.ts';
import { DynamoDbStreamPoller, fileCheckpoint } from './dynamodb-stream.ts';
import { LocalEventBusApi } from './event-bus-api.ts';
import { createEventBusServer } from './event-bus-server.ts';
import { LocalEventLog } from './event-log.ts';
import { LocalEventPlumbing } from './event-plumbing.ts';
import { LocalScheduler } from './scheduler.ts';
import { LocalStepFunctions } from './step-functions.ts';
import { readStateMachineFacts } from './step-functions-catalog.ts';
import { createStepFunctionsServer } from './step-functions-server.ts';
import { readModel, resolveEnvironment, synthesizeTemplate } from './template.ts';

export interface RunningLocalStack {
  readonly url: string;
  readonly port: number;
  /** The local Step Functions API (the functions' STEPFUNCTIONS_ENDPOINT): no auth, never public. */
  readonly stepFunctionsEndpoint: string;
  /** The local EventBridge API, PutEvents (the functions' EVENTBRIDGE_ENDPOINT): no auth, never public. */
  readonly eventBridgeEndpoint: string;
  stop(): Promise<void>;
}

/** The variables every function has, with the same value. */
function sharedByAll(environments: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const [first = {}, ...rest] = environments;
  return Object.fromEntries(Object.entries(first).filter(([name, value]) => rest.every((env) => env[name] === value)));
}

/** A stable key prefix per state directory (so a restart sees its own Redis keys), random if ephemeral. */
function stackId(options: LocalStackOptions): string {
  if (options.ephemeral) return randomBytes(6).toString('hex');
  const file = path.join(options.stateDir, 'stack-id');
  if (!existsSync(file)) {
    mkdirSync(options.stateDir, { recursive: true });
    writeFileSync(file, randomBytes(6).toString('hex'));
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * Starts the whole app on this machine, wired from the synthesized CDK template: DynamoDB Local
 * (or DYNAMODB_ENDPOINT) with the template's table, Redis, the functions, the routes.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<RunningLocalStack> {
  if (!options.dynamodbEndpoint) requireJava17();
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => {});
  };

  try {
    const redisServer = await ensureRedis(options.redisUrl, logLocalStackLine);
    stoppers.push(() => redisServer.stop());

    const template = synthesizeTemplate();
    const model = readModel(template);

    const dynamodb = options.dynamodbEndpoint
      ? { endpoint: options.dynamodbEndpoint, process: undefined }
      : await startDynamoDbLocal({ dbPath: options.ephemeral ? undefined : path.join(options.stateDir, 'dynamodb') });
    if (dynamodb.process) stoppers.push(() => (dynamodb as Awaited<ReturnType<typeof startDynamoDbLocal>>).stop());

    const tableName = model.physicalIds.get(model.table.logicalId)!;
    const admin = localClient(dynamodb.endpoint);
    stoppers.push(async () => admin.destroy());
    // Every table of the template: the game table and the entry idempotency records.
    for (const table of model.tables) await ensureTable(admin, model.physicalIds.get(table.logicalId)!, table.properties);

    const id = stackId(options);
    const keyPrefix = redisKeyPrefix(id);
    const redis = createRedis({ url: redisServer.url, keyPrefix, cluster: redisServer.cluster });
    redis.on('error', () => {}); // health reports it; functions degrade on their own
    stoppers.push(async () => redis.disconnect());

    // The functions read their configuration from the environment, as on AWS. The AWS-only
    // endpoints (ElastiCache) are this machine's. REDIS_CLUSTER follows the server found (the
    // template says 'true', as ElastiCache Serverless is). What every function has (the Powertools
    // settings, the table) is the process's; the rest only its own function's containers see.
    const localValues = { REDIS_URL: redisServer.url, REDIS_KEY_PREFIX: keyPrefix, REDIS_CLUSTER: String(redisServer.cluster) };
    const environments = new Map(
      [...model.functions.values()].map((fn) => [fn.logicalId, resolveEnvironment(fn.environment, model, template, localValues)] as const),
    );
    Object.assign(process.env, sharedByAll([...environments.values()]), {
      AWS_REGION: process.env['AWS_REGION'] ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: process.env['AWS_ACCESS_KEY_ID'] ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env['AWS_SECRET_ACCESS_KEY'] ?? 'local',
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      // Quiet by default on a developer's terminal; LOG_LEVEL=INFO shows every function log.
      POWERTOOLS_LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'WARN',
    });

    const clock = new LocalClock(options.clock);
    installClock(() => clock.now());
    stoppers.push(async () => installClock(undefined));
    const issuer = await LocalJwtIssuer.create(clock);
    const children = [dynamodb.process, redisServer.process].filter((c) => c !== undefined);
    const faults = new LocalFaults((point) => {
      // An injected crash: the process dies mid-request, as a Lambda container can.
      // Its databases are not the app: they stop cleanly (as DynamoDB would carry on) and keep
      // every commit made before the crash.
      process.stderr.write(`Good Swipe local stack: injected crash at ${point}\n`);
      for (const child of children) child.kill('SIGTERM');
      process.exit(70);
    });
    installFaultInjector(faults.inject);
    stoppers.push(async () => installFaultInjector(undefined));
    // The functions' EMF documents come here instead of stdout: GET /_local/metrics.
    const metrics = new LocalMetricsCollector();
    installMetricsSink(metrics.collect);
    stoppers.push(async () => installMetricsSink(undefined));

    const runtime = new LocalLambdaRuntime(model, REPO_ROOT, undefined, environments);
    stoppers.push(() => runtime.stop());
    const stepFunctions = new LocalStepFunctions(model.stateMachines, runtime, clock, readStateMachineFacts(template, model));
    // Scheduler invokes asynchronously: retries, then the function's on-failure queue.
    const destinations = new LocalDestinationQueues();
    const asyncInvoker = new LocalAsyncInvoker({
      invoke: (fn, event, invokeOptions) => runtime.invoke(fn, event, invokeOptions),
      configs: model.asyncInvokeConfigs,
      destinations,
      now: () => clock.now(),
    });
    const scheduler = new LocalScheduler(model.schedules, (fn, event) => asyncInvoker.invoke(fn, event), clock.now());
    // The functions' AWS SDK calls to Step Functions go to a listener of their own, apart from the public API.
    const stepFunctionsListener = await listenLocally(createStepFunctionsServer(stepFunctions), 0);
    stoppers.push(stepFunctionsListener.close);
    const stepFunctionsEndpoint = `http://127.0.0.1:${stepFunctionsListener.port}`;
    process.env['STEPFUNCTIONS_ENDPOINT'] = stepFunctionsEndpoint;
    // The buses, as the template declares them: fed by the outbox's pipe (below) and by the
    // functions' PutEvents calls, which go to a listener of their own too; every event goes
    // through the same rules, and the last ones are kept for GET /_local/events.
    const plumbing = new LocalEventPlumbing(model, (fn, event) => runtime.invoke(fn, event), clock);
    const busEvents = new LocalEventLog();
    plumbing.observe(busEvents.record);
    const eventBusApi = new LocalEventBusApi(model.buses, (bus, events) => plumbing.putEvents(bus, events), () => clock.now());
    const eventBusListener = await listenLocally(createEventBusServer(eventBusApi), 0);
    stoppers.push(eventBusListener.close);
    const eventBridgeEndpoint = `http://127.0.0.1:${eventBusListener.port}`;
    process.env['EVENTBRIDGE_ENDPOINT'] = eventBridgeEndpoint;
    const server = createLocalHttpServer({
      routes: model.routes,
      runtime,
      issuer,
      clock,
      faults,
      stepFunctions,
      destinations,
      stepFunctionsEndpoint,
      eventBridgeEndpoint,
      busEvents,
      metrics,
      health: async () => ({
        dynamodb: await admin.send(new ListTablesCommand({ Limit: 1 })).then(() => 'ok', () => 'down'),
        redis: await redis.ping().then(() => 'ok', () => 'down'),
      }),
      runSchedulesUpTo: (to) => scheduler.runUpTo(to),
      runJob: async (job) => {
        const fn = [...model.functions.values()].find((f) => f.entry === `functions/jobs/${job}.ts`);
        return fn ? { result: await runtime.invoke(fn.logicalId, {}) } : undefined;
      },
    });
    const { port, close } = await listenLocally(server, options.port);
    stoppers.push(close);

    // The outbox: the table's stream through the template's pipe, bus, rules and queues.
    const poller = new DynamoDbStreamPoller({
      endpoint: dynamodb.endpoint,
      tableName,
      onRecords: (records) => plumbing.fromStream(records),
      // Persistent stacks resume after the last record handled, so nothing written while the
      // stack was down (or dying) is lost; an ephemeral one keeps nothing and replays no history.
      checkpoint: options.ephemeral ? undefined : fileCheckpoint(path.join(options.stateDir, 'stream-checkpoint.json')),
      startAt: options.ephemeral ? 'LATEST' : 'TRIM_HORIZON',
    });
    await poller.start();
    stoppers.push(() => poller.stop());

    // What a deploy runs once (CDK Triggers: create today's tournament if it is missing).
    for (const fn of model.triggers) await runtime.invoke(fn, {});
    // A deploy is done when what its triggers started is done (e.g. the first leaderboard build).
    await stepFunctions.settled();
    // Real time keeps passing between moves of the clock: fire what falls due each second.
    const ticker = setInterval(() => void scheduler.runUpTo(clock.now()).catch(() => {}), 1000);
    stoppers.push(async () => clearInterval(ticker));
    return { url: `http://127.0.0.1:${port}`, port, stepFunctionsEndpoint, eventBridgeEndpoint, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
