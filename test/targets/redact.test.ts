// The redactor on its own: secrets and passwords become [REDACTED] however the output is cut
// into chunks, and everything else passes through byte for byte.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, MissingSecretError, REDACTED, Redactor, redactText, redactingOutput, resolveSecretEnv } from '../../src/core/targets/redact';

function feed(secrets: string[], chunks: Buffer[]): Buffer {
  const r = new Redactor(secrets);
  return Buffer.concat([...chunks.map((c) => r.push(c)), r.end()]);
}

/** Cuts `data` at the given offsets. */
function cut(data: Buffer, at: number[]): Buffer[] {
  const points = [0, ...at, data.length];
  return points.slice(1).map((end, i) => data.subarray(points[i], end));
}

const SECRETS = ['hunter2-Pa55', 'ZQ9%x/y@z', 's3'];

describe('redactText', () => {
  it.each([
    ['echo hunter2-Pa55 done', `echo ${REDACTED} done`],
    ['url postgresql://app:xyz123@db.internal:5432/prod?sslmode=require ok', `url postgresql://app:${REDACTED}@db.internal:5432/prod?sslmode=require ok`],
    ['postgresql+psycopg://netzadmin:Some/Pass@word@host:5432/db', `postgresql+psycopg://netzadmin:${REDACTED}@host:5432/db`],
    ['export PGPASSWORD=abc123\n', `export PGPASSWORD=${REDACTED}\n`],
    ["export PGPASSWORD='with space'; psql", `export PGPASSWORD=${REDACTED}; psql`],
    ['PGPASSWORD: q\n', `PGPASSWORD: ${REDACTED}\n`],
    ['{"PGPASSWORD": "json"}', `{"PGPASSWORD": ${REDACTED}}`],
    ['host=db password=kv-secret dbname=x', `host=db password=${REDACTED} dbname=x`],
    ['DB_PASSWORD=zzz next', `DB_PASSWORD=${REDACTED} next`],
    // The percent-encoded form of a secret, as it appears in a DSN.
    ['postgresql://u@h/db?x=ZQ9%25x%2Fy%40z', `postgresql://u@h/db?x=${REDACTED}`],
    ['a hunter2-Pa55hunter2-Pa55 b', `a ${REDACTED}${REDACTED} b`],
  ])('%s', (input, expected) => {
    expect(redactText(input, SECRETS)).toBe(expected);
  });

  it('leaves text without secrets alone, URLs without passwords included', () => {
    const text = 'https://example.com/a/b?c=d  ssh://deploy@host:22  Password for user postgres:\nalembic current: 70a79686336c (head)\n';
    expect(redactText(text, SECRETS)).toBe(text);
  });

  it('ignores empty secrets', () => {
    expect(redactText('abc', ['', 'zz'])).toBe('abc');
  });
});

describe('redactText: passphrases, tokens and secrets by name', () => {
  it.each([
    ['MY_TOKEN=tok-123 next', `MY_TOKEN=${REDACTED} next`],
    ['export DB_PASSPHRASE="a b c"; run', `export DB_PASSPHRASE=${REDACTED}; run`],
    ['API_SECRET: s3cr3t\n', `API_SECRET: ${REDACTED}\n`],
    ['{"api_token": "abc", "client_secret": "xyz"}', `{"api_token": ${REDACTED}, "client_secret": ${REDACTED}}`],
    ['CUTOVER_PASSPHRASE=correct horse', `CUTOVER_PASSPHRASE=${REDACTED} horse`],
  ])('%s', (input, expected) => {
    expect(redactText(input, [])).toBe(expected);
  });

  it('leaves a runbook\'s ${secret:NAME} reference and ordinary words alone', () => {
    const text = 'PGPASSWORD: ${secret:db_password}\ntokens spent: 3; the secret is out\n';
    expect(redactText(text, [])).toBe(`PGPASSWORD: ${REDACTED}\ntokens spent: 3; the secret is out\n`);
    expect(redactText('url: ${secret:api}', [])).toBe('url: ${secret:api}');
  });

  it('redacts a name=value cut anywhere in the stream', () => {
    const input = Buffer.from('before\nexport MY_TOKEN=tok-streamed-9 ok\nafter\n');
    const expected = `before\nexport MY_TOKEN=${REDACTED} ok\nafter\n`;
    for (let i = 0; i <= input.length; i++) expect(feed([], cut(input, [i])).toString(), `cut at ${i}`).toBe(expected);
  });
});

describe('short secrets', () => {
  it('never redact letters: a secret under MIN_SECRET_LENGTH is not a literal to look for', () => {
    expect(MIN_SECRET_LENGTH).toBe(6);
    const text = 'alembic upgrade head: a-ok, at 5 past\n';
    expect(redactText(text, ['a', 'e', '5', 'abcde'])).toBe(text);
    expect(redactText('xx abcdef yy', ['abcdef'])).toBe(`xx ${REDACTED} yy`);
  });
});

describe('Redactor, streaming', () => {
  const input = Buffer.from(
    'start hunter2-Pa55 mid postgresql://app:dsn-pass@db/x\n' +
      'export PGPASSWORD=env-pass; echo ZQ9%x/y@z\n' +
      'tail hunter2-Pa55',
  );
  const expected = redactText(input.toString(), SECRETS);

  it('gives the same result whatever single boundary cuts the output', () => {
    expect(expected).not.toMatch(/hunter2|dsn-pass|env-pass|ZQ9/);
    for (let i = 0; i <= input.length; i++) {
      expect(feed(SECRETS, cut(input, [i])).toString(), `cut at ${i}`).toBe(expected);
    }
  });

  it('gives the same result at every pair of boundaries', () => {
    for (let i = 0; i <= input.length; i += 3) {
      for (let j = i; j <= input.length; j += 2) {
        expect(feed(SECRETS, cut(input, [i, j])).toString(), `cut at ${i},${j}`).toBe(expected);
      }
    }
  });

  it('gives the same result one byte at a time', () => {
    const bytes = [...input].map((b) => Buffer.from([b]));
    expect(feed(SECRETS, bytes).toString()).toBe(expected);
  });

  it('redacts secrets that straddle chunks in binary output and passes the other bytes unchanged', () => {
    const secret = 'bin\u00e9-secret';
    const noise = randomBytes(20_000);
    const data = Buffer.concat([noise.subarray(0, 7_000), Buffer.from(secret), noise.subarray(7_000, 13_000), Buffer.from(secret), noise.subarray(13_000)]);
    for (let trial = 0; trial < 20; trial++) {
      const points = Array.from({ length: 30 }, () => Math.floor(Math.random() * data.length)).sort((a, b) => a - b);
      const out = feed([secret], cut(data, points));
      expect(out.includes(Buffer.from(secret))).toBe(false);
      const marker = Buffer.from(REDACTED);
      const expectedBytes = Buffer.concat([noise.subarray(0, 7_000), marker, noise.subarray(7_000, 13_000), marker, noise.subarray(13_000)]);
      // Random bytes could, very rarely, look like "password=…"; then only compare lengths.
      if (!noise.includes('assword') && !noise.includes('ASSWORD') && !noise.includes('://')) expect(out.equals(expectedBytes)).toBe(true);
    }
  });

  it('passes output without secrets through unchanged at any chunking', () => {
    const text = Buffer.from('line one\nline two with a url https://example.com/x\nno newline at the end');
    for (let i = 0; i <= text.length; i++) expect(feed(SECRETS, cut(text, [i])).equals(text)).toBe(true);
  });

  it('holds back only what could still be a secret', () => {
    const r = new Redactor(['abcdef']);
    expect(r.push(Buffer.from('hello world\n')).toString()).toBe('hello world\n');
    expect(r.push(Buffer.from('xyz abc')).toString()).toBe('xyz ');
    expect(r.push(Buffer.from('def!\n')).toString()).toBe(`${REDACTED}!\n`);
    expect(r.end().length).toBe(0);
  });

  it('never holds more than a bounded tail, even on endless output without newlines', () => {
    const r = new Redactor(['a-secret-of-twenty-ch']);
    let held = 0;
    for (let i = 0; i < 200; i++) {
      const chunk = Buffer.alloc(4096, 0x41);
      held += chunk.length - r.push(chunk).length;
    }
    expect(held).toBeLessThanOrEqual(600);
  });
});

describe('redactingOutput', () => {
  it('keeps stdout and stderr apart and flushes both at the end', () => {
    const got: Array<[string, string]> = [];
    const out = redactingOutput(['topsecret'], (chunk, stream) => got.push([stream, chunk.toString()]));
    out.write(Buffer.from('out top'), 'stdout');
    out.write(Buffer.from('err tops'), 'stderr');
    out.write(Buffer.from('secret\n'), 'stdout');
    out.write(Buffer.from('ecret'), 'stderr');
    out.end();
    const text = (s: string) => got.filter(([k]) => k === s).map(([, v]) => v).join('');
    expect(text('stdout')).toBe(`out ${REDACTED}\n`);
    expect(text('stderr')).toBe(`err ${REDACTED}`);
  });
});

describe('resolveSecretEnv', () => {
  it('fills ${secret:NAME} and names what is missing', () => {
    expect(resolveSecretEnv({ PGPASSWORD: '${secret:db}', URL: 'postgresql://u:${secret:db}@h/d' }, { db: 'pw' })).toEqual({ PGPASSWORD: 'pw', URL: 'postgresql://u:pw@h/d' });
    expect(() => resolveSecretEnv({ PGPASSWORD: '${secret:nope}' }, {})).toThrow(MissingSecretError);
    expect(() => resolveSecretEnv({ PGPASSWORD: '${secret:nope}' }, {})).toThrow(/PGPASSWORD needs the secret "nope"/);
  });
});
