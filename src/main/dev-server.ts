// Whether the window loads a development server instead of the built files. The page it loads
// gets the whole IPC surface, so this happens only when a developer asks for it in so many
// words: CUTOVER_DEV=1 and ELECTRON_RENDERER_URL on a loopback http(s) address, in an unpackaged
// app. Being unpackaged (`npm start`) is not asking.
export interface DevServerDecision {
  url: string | undefined;
  /** Why ELECTRON_RENDERER_URL was ignored, when it was set and ignored. */
  ignored?: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function devServerFrom(env: Record<string, string | undefined>, isPackaged: boolean): DevServerDecision {
  const url = env.ELECTRON_RENDERER_URL;
  if (!url) return { url: undefined };
  if (isPackaged) return { url: undefined, ignored: 'a packaged app always loads its own files' };
  if (env.CUTOVER_DEV !== '1') return { url: undefined, ignored: 'set CUTOVER_DEV=1 as well to load a development server' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url: undefined, ignored: 'it is not a URL' };
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !LOOPBACK.has(parsed.hostname)) {
    return { url: undefined, ignored: 'only an http(s) server on this machine (localhost, 127.0.0.1, [::1]) can be a development server' };
  }
  return { url: parsed.origin + parsed.pathname + parsed.search };
}
