// The loopback test harness: serves the built renderer on 127.0.0.1 and answers the contract
// over HTTP with the very handlers Electron's main process uses (src/main/handlers.ts), so the
// real UI runs in a browser against the real vault core, without Electron.
//
//   GET  /                    the built index.html, with /__harness/bridge.js injected before
//                             the app's module script
//   GET  /__harness/bridge.js defines window.cutover: one fetch per contract channel
//   GET  /assets/...          the built files
//   POST /rpc/<channel>       body {"input": ...}; answers the result envelope as JSON
//   GET  /__harness/events    server-sent events: main's pushes (step output, run changes,
//                             host keys to confirm), one JSON message per event
//
// Every page response carries the app's own CSP header (connect-src 'self' is all the bridge
// needs), so the renderer is exercised under the policy it ships with.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { channelNames } from '../../src/shared/contract';
import { createContractService, type ContractService, type HostServices } from '../../src/main/handlers';
import { mimeType, rendererFile, rendererHeaders } from '../../src/main/renderer-files';

export interface HarnessOptions extends Omit<HostServices, 'log'> {
  /** A folder holding a built renderer (index.html and assets/). */
  rendererDir: string;
  log?: (message: string) => void;
}

export interface Harness {
  /** http://127.0.0.1:<port>/ */
  readonly url: string;
  readonly service: ContractService;
  close(): Promise<void>;
}

const BRIDGE_PATH = '/__harness/bridge.js';
const EVENTS_PATH = '/__harness/events';
/** A runbook is up to 2 MiB; its JSON-escaped text can be larger. */
const MAX_BODY_BYTES = 8 << 20;
/** A browser that stops reading (a hidden tab) gets no more output once this much waits for it. */
const MAX_PENDING_EVENT_BYTES = 64 << 20;

/** The browser side of the harness: the same Bridge shape the preload exposes, over fetch. */
function bridgeScript(): string {
  return `'use strict';
(() => {
  const channels = ${JSON.stringify(channelNames)};
  const transportError = (message) => ({ ok: false, error: { name: 'TransportError', code: 'TRANSPORT', message } });
  const call = (channel) => async (input) => {
    try {
      const response = await fetch('/rpc/' + channel, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input === undefined ? {} : { input }),
      });
      return await response.json();
    } catch (error) {
      return transportError(String(error && error.message ? error.message : error));
    }
  };
  const bridge = {};
  for (const channel of channels) bridge[channel] = call(channel);
  // Pushes from main, as Electron's preload delivers them: one stream for the page, shared by listeners.
  const listeners = new Set();
  let source = null;
  bridge.subscribe = (listener) => {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
    listeners.add(listener);
    if (!source) {
      source = new EventSource(${JSON.stringify(EVENTS_PATH)});
      source.onmessage = (event) => {
        let message;
        try { message = JSON.parse(event.data); } catch { return; }
        for (const l of [...listeners]) l(message);
      };
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source) { source.close(); source = null; }
    };
  };
  Object.defineProperty(window, 'cutover', { value: Object.freeze(bridge), enumerable: true });
})();
`;
}

function injectBridge(html: string): string {
  const tag = `<script src="${BRIDGE_PATH}"></script>\n    `;
  const at = html.search(/<script\b[^>]*type="module"/);
  if (at < 0) throw new Error('the built index.html has no module script to put the bridge before');
  return html.slice(0, at) + tag + html.slice(at);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const root = resolve(options.rendererDir);
  const indexHtml = injectBridge(await readFile(resolve(root, 'index.html'), 'utf8'));
  const bridge = bridgeScript();
  const log = options.log ?? (() => {});
  const service = createContractService({ ...options, log });
  let origin = '';

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer): void => {
    res.writeHead(status, rendererHeaders(type));
    res.end(body);
  };

  async function rpc(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    // Only this page may call: the Host must be ours (no DNS rebinding), and a JSON content type
    // forces a CORS preflight on any cross-origin caller, which this server never answers.
    if (req.headers.host !== new URL(origin).host || !(req.headers['content-type'] ?? '').startsWith('application/json')) {
      send(res, 403, 'text/plain; charset=utf-8', 'forbidden');
      return;
    }
    let input: unknown;
    try {
      const body = JSON.parse((await readBody(req)) || '{}') as { input?: unknown };
      input = body.input;
    } catch {
      send(res, 400, 'application/json', JSON.stringify({ ok: false, error: { name: 'TransportError', code: 'TRANSPORT', message: 'The request body is not JSON.' } }));
      return;
    }
    const result = await service.dispatch(channel, input);
    send(res, 200, 'application/json', JSON.stringify(result));
  }

  /** Open event streams, ended cleanly at close() (a cut stream is a console error in the page). */
  const streams = new Set<ServerResponse>();

  /** Server-sent events: every push of the service, to this page (same origin and Host as the calls). */
  function events(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.host !== new URL(origin).host) {
      send(res, 403, 'text/plain; charset=utf-8', 'forbidden');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', connection: 'keep-alive' });
    // A page whose stream ended waits before reconnecting (the harness is usually shutting down).
    res.write('retry: 10000\n: connected\n\n');
    streams.add(res);
    const unsubscribe = service.subscribe((message) => {
      // Output the page cannot keep up with is dropped here; the page sees the gap in offsets and reads the vault.
      if (message.type === 'output' && res.writableLength > MAX_PENDING_EVENT_BYTES) return;
      res.write(`data: ${JSON.stringify(message)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    keepAlive.unref();
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(res);
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const handle = async (): Promise<void> => {
      if (req.method === 'GET' && url.pathname === EVENTS_PATH) return events(req, res);
      if (req.method === 'POST' && url.pathname.startsWith('/rpc/')) return rpc(req, res, decodeURIComponent(url.pathname.slice('/rpc/'.length)));
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
      if (url.pathname === '/' || url.pathname === '/index.html') return send(res, 200, mimeType('index.html'), indexHtml);
      if (url.pathname === BRIDGE_PATH) return send(res, 200, mimeType('bridge.js'), bridge);
      // Everything else through the very function behind Electron's cutover:// protocol.
      const answer = await rendererFile(root, url.pathname);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    };
    handle().catch((error: unknown) => {
      log(`harness: ${req.method} ${url.pathname} failed: ${String(error)}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error');
      else res.end();
    });
  });

  await new Promise<void>((ready, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => ready());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/`,
    service,
    async close() {
      service.dispose();
      // End each event stream properly and let its last chunk out before the sockets go.
      const ended = [...streams].map((stream) => new Promise<void>((finished) => stream.end(() => finished())));
      await Promise.race([Promise.all(ended), new Promise((r) => setTimeout(r, 1000))]);
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
    },
  };
}
