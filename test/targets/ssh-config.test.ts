// ~/.ssh/config as OpenSSH reads it: Host patterns and negation, first value wins,
// IdentityFile accumulates, Include, `Key=value`, quotes and %-tokens.
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSshHost } from '../../src/core/targets/ssh-config';
import { useTempDir } from '../helpers/tmp';

const CONFIG = `
# comment
Host db-primary db-replica-?
    HostName %h.prod.internal
    User dba
    IdentityFile ~/.ssh/id_prod
    IdentityFile "/keys/with space"

Host *.legacy !skip.legacy
    Port 2222
    User legacy

Host=bastion
  HostName=10.0.0.1
  ProxyCommand ssh -W %h:%p jump

Match host db-primary exec "false"
  User should-not-apply

Host *
    User fallback
    Port 22
    IdentityFile %d/.ssh/id_default_%r
    IdentitiesOnly yes
`;

describe('resolveSshHost', () => {
  it('applies the first matching value of each keyword and accumulates IdentityFile', () => {
    const c = resolveSshHost('db-primary', { text: CONFIG });
    expect(c).toEqual({
      hostName: 'db-primary.prod.internal',
      user: 'dba',
      port: 22,
      identityFiles: [join(homedir(), '.ssh/id_prod'), '/keys/with space', join(homedir(), '.ssh/id_default_dba')],
      identitiesOnly: true,
    });
  });

  it('matches ? and * patterns and honours negation', () => {
    expect(resolveSshHost('db-replica-2', { text: CONFIG }).user).toBe('dba');
    expect(resolveSshHost('db-replica-22', { text: CONFIG }).user).toBe('fallback');
    expect(resolveSshHost('old.legacy', { text: CONFIG })).toMatchObject({ hostName: 'old.legacy', port: 2222, user: 'legacy' });
    expect(resolveSshHost('skip.legacy', { text: CONFIG })).toMatchObject({ port: 22, user: 'fallback' });
  });

  it('reads Key=value lines and reports a ProxyCommand', () => {
    expect(resolveSshHost('bastion', { text: CONFIG })).toMatchObject({ hostName: '10.0.0.1', proxyCommand: 'ssh -W %h:%p jump' });
  });

  it('a host in no block gets only the defaults; a missing file means no settings', () => {
    expect(resolveSshHost('plain.example', { text: '' })).toEqual({ hostName: 'plain.example', identityFiles: [] });
    expect(resolveSshHost('plain.example', { path: '/no/such/config' })).toEqual({ hostName: 'plain.example', identityFiles: [] });
  });

  it('follows Include (relative to the including file, with a glob)', () => {
    const dir = useTempDir();
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'conf.d', '10-app.conf'), 'Host app\n  HostName 192.0.2.10\n  Port 2200\n');
    writeFileSync(join(dir, 'conf.d', 'ignored.txt'), 'Host app\n  Port 1\n');
    writeFileSync(join(dir, 'config'), 'Include conf.d/*.conf\nHost *\n  User ops\n');
    expect(resolveSshHost('app', { path: join(dir, 'config') })).toMatchObject({ hostName: '192.0.2.10', port: 2200, user: 'ops' });
  });
});
