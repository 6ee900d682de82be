// What main answers for IPC input that does not pass the contract, in the window's language: the
// contract's own English sentences in English; in Spanish, each field's path and what is wrong
// with it and what to do, by what zod found. The real contract's schemas, main's toErrorData.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toErrorData } from '../../src/main/handlers';
import { contract } from '../../src/shared/contract';

function refusal(channel: keyof typeof contract, input: unknown): z.ZodError {
  const parsed = contract[channel].input.safeParse(input);
  if (parsed.success) throw new Error(`${channel} accepted ${JSON.stringify(input)}`);
  return parsed.error;
}

describe('bad IPC input, in the window’s language', () => {
  it('says a value that is too short, too long, of the wrong kind or not allowed in Spanish, after its field', () => {
    const short = refusal('vault.create', { path: '/tmp/x.vault', passphrase: 'short' });
    expect(toErrorData(short, 'en')).toEqual({ name: 'InvalidInputError', code: 'BAD_INPUT', message: short.issues[0]!.message });
    expect(toErrorData(short, 'en').message).toMatch(/^Use at least \d+ characters for a passphrase\.$/);
    expect(toErrorData(short, 'es').message).toMatch(/^passphrase: el valor es demasiado corto o pequeño \(como mínimo \d+\)\. Rellénelo de nuevo\.$/);

    const long = refusal('vault.create', { path: '/tmp/x.vault', passphrase: 'x'.repeat(2000) });
    expect(toErrorData(long, 'es').message).toBe('passphrase: el valor es demasiado largo o grande (como máximo 1024). Acórtelo y vuelva a intentarlo.');

    const lang = refusal('ui.setLanguage', { lang: 'fr' });
    expect(toErrorData(lang, 'en').message).toBe("The window's language is one of en, es.");
    expect(toErrorData(lang, 'es').message).toBe('lang: el valor no es uno de los permitidos ("en", "es"). Elija uno de ellos.');

    const none = refusal('run.status', undefined);
    expect(toErrorData(none, 'es').message).toBe('el valor falta o no es del tipo esperado (se esperaba un objeto). Envíelo como pide el formulario.');
  });
});
