// The window's walls: the renderer is served from our own privileged scheme with the CSP as a
// header, nothing remote loads, navigation and new windows are refused, permissions denied.
import { app, protocol, session, type WebContents } from 'electron';
import { contentSecurityPolicy } from '../shared/csp';
import { rendererFile } from './renderer-files';

export const APP_SCHEME = 'cutover';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } }]);
}

/** Serves the built renderer from `rendererDir` as cutover://app/, with the CSP header on every response. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const answer = url.host === 'app' ? await rendererFile(rendererDir, url.pathname) : { status: 404, headers: {}, body: 'Not found' };
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
}

/**
 * Session-wide rules: CSP header on every HTTP response (the dev server's included), every
 * request to anything but our scheme or the dev server cancelled, every permission denied.
 */
export function lockDownSession(devServer: string | undefined): void {
  const ses = session.defaultSession;
  const csp = contentSecurityPolicy({ delivery: 'header', devServer });
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  const devOrigin = devServer ? new URL(devServer).origin : null;
  ses.webRequest.onBeforeRequest((details, callback) => {
    const url = new URL(details.url);
    const allowed =
      url.protocol === `${APP_SCHEME}:` ||
      url.protocol === 'devtools:' ||
      url.protocol === 'data:' ||
      (devOrigin !== null && (url.origin === devOrigin || url.origin === devOrigin.replace(/^http/, 'ws')));
    callback({ cancel: !allowed });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** Applied to every WebContents the app ever creates, including any it did not mean to. */
export function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
