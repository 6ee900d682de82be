// The function behind both Electron's cutover:// protocol and the test harness: it answers only
// files inside the built renderer, with the app's CSP and the right types (a worker served as
// anything but JavaScript would not start under nosniff).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererFile } from '../../src/main/renderer-files';
import { contentSecurityPolicy } from '../../src/shared/csp';

describe('renderer files (cutover:// and the harness)', () => {
  let dir: string;
  let root: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cutover-renderer-files-'));
    root = join(dir, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(root, 'assets', 'hash-worker-abc.js'), 'self.onmessage = () => {};');
    writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
    writeFileSync(join(dir, 'renderer-evil.txt'), 'a sibling whose name starts like the root');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers index.html for / and files with their type, the CSP, nosniff and no-store', async () => {
    const index = await rendererFile(root, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toBe(contentSecurityPolicy({ delivery: 'header' }));
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['cache-control']).toBe('no-store');
    const worker = await rendererFile(root, '/assets/hash-worker-abc.js');
    expect(worker).toMatchObject({ status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' } });
    expect(String(worker.body)).toContain('onmessage');
    expect((await rendererFile(root, '/assets/index-abc.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('never answers outside the renderer folder, however the path is spelled', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%2fsecret.txt', '/../renderer-evil.txt', `/${join(dir, 'secret.txt')}`, '/%00index.html', '/%E0%A4%A', '/assets/missing.js', '/assets']) {
      const answer = await rendererFile(root, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(String(answer.body)).not.toContain('outside');
      expect(answer.headers['content-security-policy']).toBeTruthy();
    }
  });
});
