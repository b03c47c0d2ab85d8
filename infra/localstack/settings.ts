import fs from 'node:fs';
import path from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { JSONWebKeySet } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../local/jwt-issuer.ts';
import { REPO_ROOT } from '../repo-root.ts';
import { ISSUER_KEYS_DIR, JWKS_FILE } from './issuer-keys.ts';

/**
 * What the LocalStack variant needs to know about the machine it runs on, from context
 * (`cdk synth|deploy -c target=localstack -c <key>=<value>`), each with a default a LocalStack
 * user can run (README, "LocalStack").
 */
export interface LocalStackSettings {
  /** A Redis the developer runs (instead of ElastiCache), as the functions reach it from their containers. */
  readonly redis: { readonly url: string; readonly cluster: boolean };
  /** LocalStack's gateway as the functions reach it from their containers (and clients from the host). */
  readonly endpoint: string;
  /** The issuer whose bearer tokens the API edge accepts (instead of Cognito's). */
  readonly tokens: TokenIssuerSettings;
}

export interface TokenIssuerSettings {
  readonly issuer: string;
  readonly audience: string;
  /** Its public keys: a JWKS URL the edge fetches, or the keys themselves. */
  readonly jwks: { readonly url: string } | { readonly set: JSONWebKeySet };
}

/**
 * `host.docker.internal` is the host as a container sees it (Docker Desktop; on Linux once
 * LocalStack starts its Lambda containers with `--add-host=host.docker.internal:host-gateway`).
 */
export const DEFAULT_REDIS_URL = 'redis://host.docker.internal:6379';
/** LocalStack's own name for itself: it resolves to LocalStack from the host and, through LocalStack's DNS, from Lambda containers. */
export const DEFAULT_LOCALSTACK_ENDPOINT = 'http://localhost.localstack.cloud:4566';
/** Where `npm run localstack:sign-in` publishes its issuer's public key. */
export const DEFAULT_JWKS_FILE = path.relative(REPO_ROOT, path.join(ISSUER_KEYS_DIR, JWKS_FILE));

export function localStackSettingsFromContext(app: App): LocalStackSettings {
  const context = (key: string): string | undefined => {
    const value = app.node.tryGetContext(key) as unknown;
    if (value === undefined) return undefined;
    // -c redisCluster=true arrives as a string, a cdk.json entry may be a boolean.
    if (typeof value === 'boolean') return String(value);
    if (typeof value !== 'string' || value === '') throw new Error(`invalid ${key} ${JSON.stringify(value)}`);
    return value;
  };
  const url = (key: string, protocols: readonly string[], fallback?: string): string | undefined => {
    const value = context(key) ?? fallback;
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new Error(`invalid ${key} ${JSON.stringify(value)}: give a ${protocols.join(' or ')} URL`);
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new Error(`invalid ${key} ${JSON.stringify(value)}: give a ${protocols.join(' or ')} URL`);
    }
    return value;
  };

  const redisCluster = context('redisCluster') ?? 'false';
  if (redisCluster !== 'true' && redisCluster !== 'false') throw new Error(`invalid redisCluster ${JSON.stringify(redisCluster)}: true or false`);

  const jwksUrl = url('jwtJwksUrl', ['https', 'http']);
  return {
    redis: { url: url('redisUrl', ['redis', 'rediss'], DEFAULT_REDIS_URL)!, cluster: redisCluster === 'true' },
    endpoint: url('localstackEndpoint', ['http', 'https'], DEFAULT_LOCALSTACK_ENDPOINT)!,
    tokens: {
      issuer: context('jwtIssuer') ?? LOCAL_ISSUER,
      audience: context('jwtAudience') ?? LOCAL_AUDIENCE,
      jwks: jwksUrl ? { url: jwksUrl } : { set: readJwks(context('jwtJwksFile') ?? DEFAULT_JWKS_FILE) },
    },
  };
}

/** A JWKS file (relative to the repository root, or absolute), with at least one key. */
function readJwks(file: string): JSONWebKeySet {
  const absolute = path.resolve(REPO_ROOT, file);
  if (!fs.existsSync(absolute)) {
    throw new Error(
      `target=localstack needs the public keys of the token issuer, and ${file} does not exist: ` +
        'run `npm run localstack:sign-in -- <username>` once (it makes the issuer\'s key pair), ' +
        'or give -c jwtJwksFile=<a JWKS file> or -c jwtJwksUrl=<your issuer\'s JWKS URL>',
    );
  }
  const jwks = JSON.parse(fs.readFileSync(absolute, 'utf8')) as Partial<JSONWebKeySet>;
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error(`${file} is not a JWKS: no "keys"`);
  // Only public keys go into the function's environment (a private JWK has "d").
  if (jwks.keys.some((key) => 'd' in key)) throw new Error(`${file} holds a private key: publish only public keys`);
  return { keys: jwks.keys };
}

/**
 * What every function of the variant gets on top of its own environment. Step Functions:
 * StartSyncExecution goes to a `sync-` prefixed host, which LocalStack's DNS answers only for its
 * own name, not for the IP address it puts in AWS_ENDPOINT_URL; a named endpoint makes the
 * functions drop the prefix (shared/adapters/step-functions-client.ts).
 * DynamoDB, EventBridge and Lambda need nothing: LocalStack sets AWS_ENDPOINT_URL in every
 * function's container.
 */
export function functionEnvironment(settings: LocalStackSettings): Record<string, string> {
  return { STEPFUNCTIONS_ENDPOINT: settings.endpoint };
}
