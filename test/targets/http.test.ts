// The http target's executor against real servers on loopback: an https server with a
// self-signed certificate made by openssl (refused by default, accepted with tls_verify: false),
// a body over 1 MiB (kept to 1 MiB, said so), a header token from a secret, and JSON paths.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetSchema, type HttpTarget } from '../../src/core/runbook/schema';
import { HttpExecutor, MAX_BODY_BYTES } from '../../src/core/targets/http';
import { evaluateJsonPath, jsonPathProblem, parseJsonPath } from '../../src/core/targets/json-path';
import type { ExecRequest } from '../../src/core/targets/types';

let dir = '';
let https: Server;
let plain: Server;
let httpsUrl = '';
let plainUrl = '';
const seenKeys: (string | undefined)[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-http-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  https = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"tls":"ok"}');
  });
  plain = createHttpServer((req, res) => {
    seenKeys.push(req.headers['x-api-key'] as string | undefined);
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const line = Buffer.alloc(64 * 1024, 'x');
      for (let i = 0; i < 20; i += 1) res.write(line);
      res.end('END');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ id: 'a', n: 3 }], 'odd key': true }));
  });
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => https.close(() => r()));
  await new Promise<void>((r) => plain.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function target(input: Record<string, unknown>): HttpTarget {
  return targetSchema.parse({ kind: 'http', ...input }) as HttpTarget;
}

async function send(executor: HttpExecutor, path: string): Promise<{ result: Awaited<ReturnType<HttpExecutor['exec']>>; transcript: string }> {
  const chunks: Buffer[] = [];
  const request: ExecRequest = { command: `GET ${path}`, http: { method: 'GET', path, headers: {} }, onOutput: (chunk) => chunks.push(chunk) };
  const result = await executor.exec(request);
  return { result, transcript: Buffer.concat(chunks).toString('utf8') };
}

describe('http target', () => {
  it('refuses a self-signed certificate by default, naming the fix; accepts it with tls_verify: false', async () => {
    const strict = new HttpExecutor('api', target({ base_url: httpsUrl }), { secrets: {} });
    const refused = await send(strict, '/');
    expect(refused.result.failure?.kind).toBe('tls_failed');
    expect(refused.result.failure?.message).toMatch(/TLS certificate did not verify \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/);
    expect(refused.result.failure?.message).toMatch(/tls_verify: false/);
    expect(refused.result.http).toBeUndefined();
    const relaxed = new HttpExecutor('api', target({ base_url: httpsUrl, tls_verify: false }), { secrets: {} });
    const accepted = await send(relaxed, '/');
    expect(accepted.result.failure).toBeNull();
    expect(accepted.result.http).toMatchObject({ status: 200, json: { tls: 'ok' } });
  });

  it('keeps 1 MiB of a larger body and says it was cut; such a body is not read as JSON', async () => {
    const executor = new HttpExecutor('api', target({ base_url: plainUrl }), { secrets: {} });
    const { result, transcript } = await send(executor, '/big');
    const total = 20 * 64 * 1024 + 3;
    expect(result.http).toMatchObject({ status: 200, bodyTruncated: true });
    expect(result.http!.bodyText.length).toBe(MAX_BODY_BYTES);
    expect(result.http!.json).toBeUndefined();
    expect(transcript).toContain(`[cutover] body cut: the first ${MAX_BODY_BYTES} of ${total} bytes are kept`);
    expect(transcript).not.toContain('END');
  });

  it('sends a header token from a secret and shows it redacted', async () => {
    const executor = new HttpExecutor('api', target({ base_url: `${plainUrl}/`, auth: { header: 'X-Api-Key', secret: 'api_key' } }), { secrets: { api_key: 'k-123456789-secret' } });
    const { result, transcript } = await send(executor, '/items');
    expect(seenKeys.at(-1)).toBe('k-123456789-secret');
    expect(transcript).toContain(`> GET ${plainUrl}/items`);
    expect(transcript).toContain('> X-Api-Key: [REDACTED]');
    expect(transcript).not.toContain('k-123456789-secret');
    expect(evaluateJsonPath(result.http!.json, '$.items[0].n')).toEqual({ found: true, value: 3 });
    expect(evaluateJsonPath(result.http!.json, "$['odd key']")).toEqual({ found: true, value: true });
    expect(evaluateJsonPath(result.http!.json, '$.items[1].n')).toEqual({ found: false });
  });

  it('a missing token secret fails before anything is sent', async () => {
    const before = seenKeys.length;
    const executor = new HttpExecutor('api', target({ base_url: plainUrl, auth: { bearer: 'nope' } }), { secrets: {} });
    await expect(executor.connect()).rejects.toThrow(/needs the secret "nope"/);
    const { result } = await send(executor, '/items');
    expect(result.failure?.kind).toBe('auth_failed');
    expect(seenKeys.length).toBe(before);
  });
});

describe('JSON paths', () => {
  it('parses the strict forms and refuses the rest with where', () => {
    expect(parseJsonPath('$')).toEqual([]);
    expect(parseJsonPath("$.a.b[2]['c d'][\"e\"]")).toEqual(['a', 'b', 2, 'c d', 'e']);
    expect(jsonPathProblem('$.job_id')).toBeNull();
    expect(jsonPathProblem('job_id')).toMatch(/must start with \$/);
    expect(jsonPathProblem('$..x')).toMatch(/a name must follow "\." at position 3/);
    expect(jsonPathProblem('$.a[?(@.x)]')).toMatch(/unexpected "\[" at position 4 \(wildcards, filters and \.\. are not supported\)/);
  });
});
