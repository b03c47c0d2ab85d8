import { readFileWhenChanged } from './static-files.ts';
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

let parsed: { readonly source: Buffer; readonly doc: OpenApiDocument } | undefined;

/** The document as the yaml says it, parsed again only when the file changed (an edit shows without a restart). */
export function loadOpenApiDocument(): OpenApiDocument {
  const source = readFileWhenChanged(OPENAPI_YAML);
  // A copy each time: callers (the Postman converter) may change what they are given.
  if (parsed?.source === source) return structuredClone(parsed.doc);
  const doc = parse(source.toString('utf8')) as OpenApiDocument;
  if (typeof doc?.openapi !== 'string' || typeof doc.paths !== 'object') throw new Error(`${OPENAPI_YAML.pathname} is not an OpenAPI document`);
  parsed = { source, doc };
  return structuredClone(doc);
}
