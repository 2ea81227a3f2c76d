/**
 * The renderer is served from app://qhci/ (not file://), so the CSP's 'self' means the app's own files and
 * nothing else on the disk. This maps a request URL to a file under the renderer's build directory, refusing
 * anything outside it. Plain Node: window.ts registers the scheme with Electron.
 */
import { realpathSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'qhci';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** The regular file an app:// URL names inside `rendererDir` (symlinks resolved), or null for anything else. */
export function appFile(rendererDir: string, requestUrl: string): string | null {
  let url: URL;
  let path: string;
  try {
    url = new URL(requestUrl);
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || path.includes('\0')) return null;
  const root = realpathSync(rendererDir);
  const wanted = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  try {
    const real = realpathSync(wanted);
    return real.startsWith(root + sep) && statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/** The Content-Type of a renderer file. */
export function appFileType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
