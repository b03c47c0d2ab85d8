import { tracingChannel } from 'node:diagnostics_channel';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { SERVICE_NAME } from './service-name.ts';

/**
 * The container's one X-Ray tracer (Powertools). Powertools turns it off outside Lambda (no
 * AWS_EXECUTION_ENV: the local stack, the tests) and under SAM local: then every call is a no-op,
 * clients are returned unwrapped, and nothing is ever sent to an X-Ray daemon. On Lambda
 * (`Tracing: Active`) POWERTOOLS_TRACER_* from the function construct (infra/constructs/lambda.ts)
 * tune it: responses are not captured, and neither are raw HTTPS requests (the AWS SDK clients
 * are traced through captureAWSv3Client instead, so each call appears once).
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

/** Middy middleware for the handler wrappers: one `## <handler>` subsegment per invocation, ColdStart and Service annotations, errors as metadata. */
export const traceInvocation = () => captureLambdaHandler(tracer);

/**
 * Redis commands become subsegments up to this many per invocation. A route, a saga step or a
 * level-up batch makes 2-30 commands; a rebuild or seal batch makes hundreds, which would cost a
 * subsegment each for a timeline nobody reads: those beyond the cap are only counted (metadata
 * `redis.untracedCommands` on the invocation's subsegment).
 */
export const REDIS_SUBSEGMENTS_PER_INVOCATION = 50;

/** ioredis 6 publishes every command on this diagnostics channel (start / asyncEnd / error). */
const REDIS_COMMAND_CHANNEL = 'ioredis:command';

type Segment = NonNullable<ReturnType<Tracer['getSegment']>>;
type Subsegment = ReturnType<Segment['addNewSubsegment']>;
type TraceSource = Pick<Tracer, 'getSegment' | 'isTraceSampled'>;

/**
 * Turns ioredis commands into X-Ray subsegments named `Redis <COMMAND>` under the current
 * (sub)segment, without touching the Redis client: ioredis publishes each command on a
 * diagnostics channel, which costs nothing while nobody subscribes. Only sampled invocations get
 * subsegments; the arguments are not recorded (keys carry user ids). Returns the unsubscribe.
 */
export function traceRedisCommands(source: TraceSource = tracer): () => void {
  const open = new WeakMap<object, Subsegment>();
  const countByParent = new WeakMap<Segment, number>();
  const handlers = {
    start(context: object) {
      if (!source.isTraceSampled()) return;
      const parent = source.getSegment();
      if (parent === undefined) return;
      const count = (countByParent.get(parent) ?? 0) + 1;
      countByParent.set(parent, count);
      if (count > REDIS_SUBSEGMENTS_PER_INVOCATION) {
        parent.addMetadata('untracedCommands', count - REDIS_SUBSEGMENTS_PER_INVOCATION, 'redis');
        return;
      }
      const command = String((context as { command?: unknown }).command ?? 'command').toUpperCase();
      open.set(context, parent.addNewSubsegment(`Redis ${command}`));
    },
    error(context: object) {
      const { error } = context as { error?: unknown };
      open.get(context)?.addError(error instanceof Error ? error : String(error));
    },
    asyncEnd(context: object) {
      open.get(context)?.close();
      open.delete(context);
    },
    end() {},
    asyncStart() {},
  };
  const channel = tracingChannel(REDIS_COMMAND_CHANNEL);
  channel.subscribe(handlers);
  return () => channel.unsubscribe(handlers);
}

let tracingRedis = false;

/**
 * Called where the container creates its Redis client (shared/adapters/cache.ts), so a function
 * without Redis never subscribes. On Lambda only: subscribing is what makes ioredis publish, so
 * off Lambda it stays free.
 */
export function traceRedisCommandsOnLambda(): void {
  if (tracingRedis || !tracer.isTracingEnabled()) return;
  tracingRedis = true;
  traceRedisCommands();
}
