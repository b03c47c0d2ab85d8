import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOpenApiDocument, type OpenApiDocument } from '../openapi-document.ts';
import { staticSite } from '../static-files.ts';

/** The page's own files: this folder, served as they are (no build step). */
const DOCS_DIR = path.dirname(fileURLToPath(import.meta.url));
/** Swagger UI's prebuilt files, served from node_modules (no CDN). */
const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const OPENAPI_JSON_PATH = '/openapi.json';

/** The docs page at `/docs`. */
const docsSite = staticSite('/docs', {
  '': path.join(DOCS_DIR, 'index.html'),
  'docs.js': path.join(DOCS_DIR, 'docs.js'),
  'docs.css': path.join(DOCS_DIR, 'docs.css'),
  'swagger-ui.css': path.join(SWAGGER_UI_DIR, 'swagger-ui.css'),
  'swagger-ui-bundle.js': path.join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'),
  'favicon-32x32.png': path.join(SWAGGER_UI_DIR, 'favicon-32x32.png'),
});

export const isApiDocsPath = (urlPath: string) => urlPath === OPENAPI_JSON_PATH || docsSite.covers(urlPath);

/** A Host header that is a host name or address with an optional port, nothing a URL could be bent with. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The OpenAPI document with this stack first among its servers, so "Try it out" calls the stack
 * that served it (on whatever host and port the browser reached it); the yaml's servers follow.
 */
function localOpenApiDocument(host: string | undefined): OpenApiDocument {
  const doc = loadOpenApiDocument();
  if (!host || !PLAIN_HOST.test(host)) return doc;
  const here = { url: `http://${host}`, description: 'This local stack (get a token with POST /_local/sign-in).' };
  return { ...doc, servers: [here, ...(doc.servers ?? []).filter((server) => server.url !== here.url)] };
}

/** The docs file at a URL path, or undefined. */
export function apiDocsAsset(urlPath: string, host: string | undefined): { readonly body: Buffer | string; readonly contentType: string } | undefined {
  if (urlPath === OPENAPI_JSON_PATH) return { body: JSON.stringify(localOpenApiDocument(host)), contentType: 'application/json' };
  return docsSite.file(urlPath);
}
