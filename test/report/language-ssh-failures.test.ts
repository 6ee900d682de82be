// The less common failures a target records in English (ssh-connect.ts: a host key that differs
// from its pin, one nobody confirmed, a login refused, a ProxyJump/ProxyCommand host; mysql.ts: an
// unknown database) worded again in Spanish, their inner phrases too; English as recorded; a
// sentence this version does not write is kept as recorded.
import { describe, expect, it } from 'vitest';
import { failureMessageText } from '../../src/core/reports/failure-words';
import { found } from './language-sentences';

// Exactly as src/core/targets/ssh-connect.ts writes them.
const RECORDED = [
  'Refused to connect to deploy@db1:22: its host key is SHA256:new, but the vault pins SHA256:old. The host was reinstalled, or someone is in the middle: check the fingerprint with the host\'s administrators before changing the pin.',
  'Refused to connect to db1:22: its host key is SHA256:new, but the first connection of this session pins SHA256:old. The host was reinstalled, or someone is in the middle: check the fingerprint with the host\'s administrators before changing the pin.',
  'Did not connect to db1:22: its host key SHA256:k is not pinned and the operator did not confirm it. Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host, then confirm it.',
  'Did not connect to db1:22: its host key SHA256:k is not pinned and no host key is pinned and nobody was asked to confirm it. Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host, then confirm it.',
  'deploy@db1:22 refused the keys in ssh-agent (/tmp/agent.sock): wrong credentials, or the key is not in the account\'s authorized_keys.',
  'deploy@db1:22 refused the keys /k/a, /k/b: wrong credentials, or the key is not in the account\'s authorized_keys.',
  '~/.ssh/config reaches "db1" through ProxyJump bastion, which the workstation does not support: name a host it can reach directly.',
  '~/.ssh/config reaches "db1" through a ProxyCommand, which the workstation does not support: name a host it can reach directly.',
  // src/core/targets/mysql.ts: MySQL's own words first, kept as MySQL wrote them.
  'Unknown database \'shop\' on root@127.0.0.1:3306/shop: check the database name in the DSN of target "app".',
];

describe('SSH failures worded again', () => {
  it('in Spanish, with the pin\'s source, why it was not confirmed and the credentials worded too; English as recorded', () => {
    const es = RECORDED.map((m) => failureMessageText('es', m));
    expect(es).toEqual([
      'Se rechazó la conexión a deploy@db1:22: su clave de host es SHA256:new, pero la bóveda fija SHA256:old. O el host se reinstaló, o alguien está en medio: compruebe la huella con los administradores del host antes de cambiar la fijación.',
      'Se rechazó la conexión a db1:22: su clave de host es SHA256:new, pero la primera conexión de esta sesión fija SHA256:old. O el host se reinstaló, o alguien está en medio: compruebe la huella con los administradores del host antes de cambiar la fijación.',
      'No se conectó a db1:22: su clave de host SHA256:k no está fijada y el operador no la confirmó. Compárala con `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` en el host y después confírmala.',
      'No se conectó a db1:22: su clave de host SHA256:k no está fijada y no hay ninguna clave de host fijada y no se pidió a nadie que la confirmara. Compárala con `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` en el host y después confírmala.',
      'deploy@db1:22 rechazó las claves de ssh-agent (/tmp/agent.sock): credenciales incorrectas, o la clave no está en el authorized_keys de la cuenta.',
      'deploy@db1:22 rechazó las claves /k/a, /k/b: credenciales incorrectas, o la clave no está en el authorized_keys de la cuenta.',
      '~/.ssh/config llega a "db1" a través de ProxyJump bastion, que la estación de trabajo no admite: indique un host al que llegue directamente.',
      '~/.ssh/config llega a "db1" a través de un ProxyCommand, que la estación de trabajo no admite: indique un host al que llegue directamente.',
      'Unknown database \'shop\' en root@127.0.0.1:3306/shop: revise el nombre de la base de datos en el DSN del destino "app".',
    ]);
    expect(found(es.join('\n'), 'en')).toEqual([]);
    expect(RECORDED.map((m) => failureMessageText('en', m))).toEqual(RECORDED);
    const other = 'Refused to connect to db1: something this version never writes.';
    expect(failureMessageText('es', other)).toBe(other);
  });

  it('a host key the CLI\'s acceptor refused (an --accept-host-key pin that differs, a first connection with no terminal): in Spanish, English as recorded', () => {
    // Exactly as src/cli/commands/run.ts's acceptor throws them inside ssh-connect.ts's sentence (the previous code's bytes).
    const recorded = [
      'Did not connect to db1:22: its host key SHA256:k is not pinned and the confirmation failed (Target app presented host key SHA256:k, not the SHA256:p you accepted. Refusing to connect.). Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host, then confirm it.',
      'Did not connect to db1:22: its host key SHA256:k is not pinned and the confirmation failed (First connection to app: its host key is SHA256:k. Check it, then re-run with --accept-host-key app=SHA256:k.). Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host, then confirm it.',
    ];
    const es = recorded.map((m) => failureMessageText('es', m));
    expect(es[0]).toContain('la confirmación falló (El destino app presentó la clave de host SHA256:k, no la SHA256:p que usted aceptó. Se rechaza la conexión.)');
    expect(es[1]).toContain('la confirmación falló (Primera conexión a app: su clave de host es SHA256:k. Compruébela y vuelva a ejecutar con --accept-host-key app=SHA256:k.)');
    expect(found(es.join('\n'), 'en')).toEqual([]);
    expect(recorded.map((m) => failureMessageText('en', m))).toEqual(recorded);
  });
});
