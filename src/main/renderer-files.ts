// How the built renderer's files are answered: the same function behind Electron's cutover://
// protocol and the test harness's loopback server, so what the browser tests load (the page,
// its chunks, the hash worker) goes through the path checks, types and headers the app ships.
// No Electron import here: it is plain Node.
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from '../shared/csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface RendererFileResponse {
  status: 200 | 404;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** The headers every renderer response carries: the CSP, no sniffing, no caching. */
export function rendererHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': contentSecurityPolicy({ delivery: 'header' }),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
}

export function mimeType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file at URL path `pathname` under `rendererDir` ("/" is index.html), or 404 for anything
 * outside it (../, encoded or not) and anything missing.
 */
export async function rendererFile(rendererDir: string, pathname: string): Promise<RendererFileResponse> {
  const root = resolve(rendererDir);
  const notFound: RendererFileResponse = { status: 404, headers: rendererHeaders('text/plain; charset=utf-8'), body: 'Not found' };
  let relative: string;
  try {
    relative = decodeURIComponent(pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    return notFound; // a malformed %-escape
  }
  const file = resolve(root, relative);
  if (relative.includes('\0') || !file.startsWith(root + sep)) return notFound;
  try {
    return { status: 200, headers: rendererHeaders(mimeType(file)), body: await readFile(file) };
  } catch {
    return notFound;
  }
}
