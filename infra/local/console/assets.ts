import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the console's pages live: this folder, served as it is (no build step). */
const CONSOLE_DIR = path.dirname(fileURLToPath(import.meta.url));
/** The graph layout library, served from node_modules (no CDN). */
const DAGRE = path.join(path.dirname(createRequire(import.meta.url).resolve('@dagrejs/dagre/package.json')), 'dist', 'dagre.min.js');

export const CONSOLE_PATH = '/_local/console';

/** Every file the console serves, by URL path: a fixed list, so no request names a file of its own. */
const assets: Record<string, { readonly file: string; readonly contentType: string }> = {
  [CONSOLE_PATH]: { file: path.join(CONSOLE_DIR, 'index.html'), contentType: 'text/html; charset=utf-8' },
  [`${CONSOLE_PATH}/`]: { file: path.join(CONSOLE_DIR, 'index.html'), contentType: 'text/html; charset=utf-8' },
  [`${CONSOLE_PATH}/console.js`]: { file: path.join(CONSOLE_DIR, 'console.js'), contentType: 'text/javascript; charset=utf-8' },
  [`${CONSOLE_PATH}/console.css`]: { file: path.join(CONSOLE_DIR, 'console.css'), contentType: 'text/css; charset=utf-8' },
  [`${CONSOLE_PATH}/vendor/dagre.min.js`]: { file: DAGRE, contentType: 'text/javascript; charset=utf-8' },
};

export const isConsolePath = (urlPath: string) => urlPath === CONSOLE_PATH || urlPath.startsWith(`${CONSOLE_PATH}/`);

/** The console file at a URL path, read at each request (an edit shows on reload), or undefined. */
export function consoleAsset(urlPath: string): { readonly body: Buffer; readonly contentType: string } | undefined {
  const asset = Object.hasOwn(assets, urlPath) ? assets[urlPath] : undefined;
  return asset && { body: readFileSync(asset.file), contentType: asset.contentType };
}
