// The renderer's Content-Security-Policy, in one place: main sends it as a response header,
// the renderer build writes it into index.html as a meta tag, and the test harness serves the
// same header, so the UI is tested under the policy it ships with.

export interface CspOptions {
  /** A meta tag cannot carry frame-ancestors (browsers ignore it there and warn). */
  delivery: 'header' | 'meta';
  /** Origin of the Vite dev server (electron-vite dev only): allows its HMR socket and preamble. */
  devServer?: string;
}

export function contentSecurityPolicy(options: CspOptions): string {
  const dev = options.devServer;
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    // The dev server's React refresh preamble is an inline module script; production has none.
    dev ? ['script-src', "'self'", "'unsafe-inline'"] : ['script-src', "'self'"],
    // xterm.js (the terminal that shows step output) measures its cells and writes them, with its
    // theme, into <style> elements and style attributes at run time. Scripts stay 'self' only, and
    // with img-src, font-src and connect-src limited to 'self', no style can reach another origin.
    ['style-src', "'self'", "'unsafe-inline'"],
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'"],
    dev ? ['connect-src', "'self'", dev.replace(/^http/, 'ws')] : ['connect-src', "'self'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['object-src', "'none'"],
  ];
  if (options.delivery === 'header') directives.push(['frame-ancestors', "'none'"]);
  return directives.map((d) => d.join(' ')).join('; ');
}
