import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};

const read = new Map<string, { readonly mtimeMs: number; readonly body: Buffer }>();

/** A file's bytes, read again only when it changed (an edit shows on reload; a 1.7 MB bundle is read once). */
export function readFileWhenChanged(file: string | URL): Buffer {
  const key = String(file);
  const { mtimeMs } = statSync(file);
  const known = read.get(key);
  if (known?.mtimeMs === mtimeMs) return known.body;
  const body = readFileSync(file);
  read.set(key, { mtimeMs, body });
  return body;
}

/**
 * The files a local page serves under `prefix`, from a fixed list (`''` is the page itself), so
 * no request names a file of its own; the content type follows the file's extension.
 */
export function staticSite(prefix: string, files: Readonly<Record<string, string>>) {
  const byUrlPath = new Map<string, string>();
  for (const [subpath, file] of Object.entries(files)) {
    if (subpath === '') byUrlPath.set(prefix, file).set(`${prefix}/`, file);
    else byUrlPath.set(`${prefix}/${subpath}`, file);
  }
  return {
    covers: (urlPath: string) => urlPath === prefix || urlPath.startsWith(`${prefix}/`),
    file(urlPath: string): StaticFile | undefined {
      const file = byUrlPath.get(urlPath);
      if (!file) return undefined;
      const contentType = contentTypes[path.extname(file)];
      if (!contentType) throw new Error(`no content type for ${file}`);
      return { body: readFileWhenChanged(file), contentType };
    },
  };
}
