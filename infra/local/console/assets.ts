import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { staticSite } from '../static-files.ts';

/** Where the console's pages live: this folder, served as it is (no build step). */
const CONSOLE_DIR = path.dirname(fileURLToPath(import.meta.url));
/** The graph layout library, served from node_modules (no CDN). */
const DAGRE = path.join(path.dirname(createRequire(import.meta.url).resolve('@dagrejs/dagre/package.json')), 'dist', 'dagre.min.js');

/** The console at `/_local/console`. */
export const consoleSite = staticSite('/_local/console', {
  '': path.join(CONSOLE_DIR, 'index.html'),
  'console.js': path.join(CONSOLE_DIR, 'console.js'),
  'console.css': path.join(CONSOLE_DIR, 'console.css'),
  'vendor/dagre.min.js': DAGRE,
});
