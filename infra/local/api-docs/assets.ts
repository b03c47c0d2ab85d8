import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOpenApiDocument, type OpenApiDocument } from '../openapi-document.ts';

/** The page's own files: this folder, served as they are (no build step). */
const DOCS_DIR = path.dirname(fileURLToPath(import.meta.url));
/** Swagger UI's prebuilt files, served from node_modules (no CDN). */
const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export const DOCS_PATH = '/docs';
export const OPENAPI_JSON_PATH = '/openapi.json';

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Every file the docs page serves, by URL path: a fixed list, so no request names a file of its own. */
const files: Record<string, { readonly file: string; readonly contentType: string }> = {
  [DOCS_PATH]: { file: path.join(DOCS_DIR, 'index.html'), contentType: HTML },
  [`${DOCS_PATH}/`]: { file: path.join(DOCS_DIR, 'index.html'), contentType: HTML },
  [`${DOCS_PATH}/docs.js`]: { file: path.join(DOCS_DIR, 'docs.js'), contentType: JS },
  [`${DOCS_PATH}/docs.css`]: { file: path.join(DOCS_DIR, 'docs.css'), contentType: CSS },
  [`${DOCS_PATH}/swagger-ui.css`]: { file: path.join(SWAGGER_UI_DIR, 'swagger-ui.css'), contentType: CSS },
  [`${DOCS_PATH}/swagger-ui-bundle.js`]: { file: path.join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'), contentType: JS },
  [`${DOCS_PATH}/favicon-32x32.png`]: { file: path.join(SWAGGER_UI_DIR, 'favicon-32x32.png'), contentType: 'image/png' },
};

export const isApiDocsPath = (urlPath: string) =>
  urlPath === OPENAPI_JSON_PATH || urlPath === DOCS_PATH || urlPath.startsWith(`${DOCS_PATH}/`);

/** A Host header that is a host name or address with an optional port, nothing a URL could be bent with. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The OpenAPI document with this stack first among its servers, so "Try it out" calls the stack
 * that served it (on whatever host and port the browser reached it); the yaml's servers follow.
 */
export function localOpenApiDocument(host: string | undefined): OpenApiDocument {
  const doc = loadOpenApiDocument();
  if (!host || !PLAIN_HOST.test(host)) return doc;
  const here = { url: `http://${host}`, description: 'This local stack (get a token with POST /_local/sign-in).' };
  return { ...doc, servers: [here, ...(doc.servers ?? []).filter((server) => server.url !== here.url)] };
}

/** The docs file at a URL path (read at each request: an edit shows on reload), or undefined. */
export function apiDocsAsset(urlPath: string, host: string | undefined): { readonly body: Buffer | string; readonly contentType: string } | undefined {
  if (urlPath === OPENAPI_JSON_PATH) return { body: JSON.stringify(localOpenApiDocument(host)), contentType: 'application/json' };
  const asset = Object.hasOwn(files, urlPath) ? files[urlPath] : undefined;
  return asset && { body: readFileSync(asset.file), contentType: asset.contentType };
}
