import * as z from './validation.ts';
import { once } from './once.ts';

/*
 * The environment of the LocalStack variant's own functions (functions/localstack/*), read and
 * validated once, as shared/config.ts reads the game functions'. A module of its own so that the
 * functions deployed to AWS, and their bundles, stay exactly what they were: the variant's
 * functions read both.
 */

const nonEmpty = z.string().check(z.minLength(1));
/** A variable holding JSON that `schema` accepts. */
const json = <S extends z.core.$ZodType>(schema: S) =>
  z.pipe(
    z.pipe(
      nonEmpty,
      z.transform((text, context): unknown => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.issues.push({ code: 'custom', message: 'not JSON', input: text });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );

const jwk = z.looseObject({ kty: nonEmpty });

const apiEdgeSchema = z.object({
  /** Function name by API Gateway route key (`$default` included): infra/localstack/rest-api.ts. */
  ROUTE_FUNCTIONS: json(z.record(z.string(), nonEmpty)),
  JWT_ISSUER: nonEmpty,
  JWT_AUDIENCE: nonEmpty,
  /** The issuer's public keys, either as a JWKS (JSON) or at a URL. */
  JWT_JWKS: z.optional(json(z.object({ keys: z.array(jwk).check(z.minLength(1)) }))),
  JWT_JWKS_URL: z.optional(z.url()),
});

export type ApiEdgeConfig = z.output<typeof apiEdgeSchema>;

export const apiEdgeConfig = once((): ApiEdgeConfig => {
  const parsed = apiEdgeSchema.parse(process.env);
  if ((parsed.JWT_JWKS === undefined) === (parsed.JWT_JWKS_URL === undefined)) throw new Error('give the issuer\'s keys as one of JWT_JWKS or JWT_JWKS_URL');
  return parsed;
});

const levelUpPublisherSchema = z.object({
  /** The pipe's envelope (infra/workloads.ts levelUpEvents): source, detail-type and input template of the detail. */
  LEVEL_UP_SOURCE: nonEmpty,
  LEVEL_UP_DETAIL_TYPE: nonEmpty,
  LEVEL_UP_DETAIL_TEMPLATE: nonEmpty,
});

export const levelUpPublisherConfig = once(() => levelUpPublisherSchema.parse(process.env));
