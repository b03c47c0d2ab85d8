import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The contract's machine-readable copy, the one source of /openapi.json, /docs and the Postman collection. */
export const OPENAPI_YAML = new URL('../../shared/http/openapi.yaml', import.meta.url);

export interface OpenApiServer {
  readonly url: string;
  readonly description?: string;
  readonly variables?: Record<string, unknown>;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: Record<string, unknown>;
  readonly servers?: readonly OpenApiServer[];
  readonly paths: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** The document as the yaml says it, read at each call (an edit shows without a restart). */
export function loadOpenApiDocument(): OpenApiDocument {
  const doc = parse(readFileSync(OPENAPI_YAML, 'utf8')) as OpenApiDocument;
  if (typeof doc?.openapi !== 'string' || typeof doc.paths !== 'object') throw new Error(`${OPENAPI_YAML.pathname} is not an OpenAPI document`);
  return doc;
}
