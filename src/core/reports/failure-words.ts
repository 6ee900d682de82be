// A step's failure (timed out, could not connect, the session was lost …) in the document's
// language. Targets record the failure's kind and, in English, what happened; the message is
// worded again when it is exactly a sentence this version's targets write (word-again.ts), and
// kept as recorded otherwise (a database's own error text, a host's words). English: as recorded.
import type { MessageKey } from '../../shared/i18n';
import { translate, type Lang } from '../../shared/i18n';
import { wordAgain, type Nested } from './word-again';

export interface Failure { kind: string; message: string; sqlState?: string }

const KINDS = ['connection_lost', 'connect_failed', 'auth_failed', 'host_key_mismatch', 'host_key_unconfirmed', 'timeout', 'cancelled', 'sql_error', 'tls_failed', 'spawn_failed', 'interrupted'] as const;
type Kind = (typeof KINDS)[number];

const MESSAGES: readonly MessageKey[] = [
  'failure.stop.local', 'failure.stop.ssh', 'failure.stop.closed', 'failure.stop.pg', 'failure.stop.mysql',
  'failure.monitorStopped', 'failure.processStopped', 'failure.occurrenceStopped', 'block.interrupted',
  'failure.spawn', 'failure.noShell', 'failure.refused.ssh', 'failure.refused.pg', 'failure.refused.mysql',
  'failure.unreachable', 'failure.unreachableWithin', 'failure.unknownHost', 'failure.couldNotConnect',
  'failure.handshakeTimeout', 'failure.handshakeClosed', 'failure.loginRefused', 'failure.secretMissing',
  'failure.sshLost', 'failure.pgLost', 'failure.http.timeout', 'failure.http.closed', 'failure.http.tls',
  'failure.hostKeyMismatch', 'failure.hostKeyUnconfirmed', 'failure.sshAuthRefused', 'failure.proxyJump', 'failure.proxyCommand',
  'failure.mysqlBadDatabase',
];

const NESTED: Nested = {
  reason: ['failure.reason.timedOut', 'failure.reason.cancelled', 'failure.reason.closed'],
  then: ['failure.then.kill', 'failure.then.killGroup', 'failure.then.killClose', 'failure.then.killCloseAlive', 'failure.then.killCloseUnconfirmed'],
  why: ['failure.sshLost.noExit'],
  pinnedBy: ['failure.pinnedBy.runbook', 'failure.pinnedBy.vault', 'failure.pinnedBy.session'],
  unpinned: ['failure.unpinned.nobodyAsked', 'failure.unpinned.notConfirmed', 'failure.unpinned.failed'],
  error: ['failure.acceptor.mismatch', 'failure.acceptor.firstConnection'],
  credentials: ['failure.credentials.agent', 'failure.credentials.key', 'failure.credentials.keys'],
};

function isKind(kind: string): kind is Kind {
  return (KINDS as readonly string[]).includes(kind);
}

/** The failure's kind in words ("timeout" stays as recorded in English). */
export function failureKindText(lang: Lang, kind: string): string {
  return lang === 'en' || !isKind(kind) ? kind : translate(lang, `failure.kind.${kind}`);
}

/** What the target recorded, in `lang` where it is the target's own sentence. */
export function failureMessageText(lang: Lang, message: string): string {
  return wordAgain(lang, message, MESSAGES, NESTED);
}

/** "kind: message", as the CLI, the decision and the block reason have always written it. */
export function failureText(lang: Lang, failure: Failure): string {
  return `${failureKindText(lang, failure.kind)}: ${failureMessageText(lang, failure.message)}`;
}

/** A block reason the engine wrote from a failure ("timeout: Timed out after …"), worded again; null when it is not one. */
export function failureReasonText(lang: Lang, reason: string): string | null {
  const colon = reason.indexOf(': ');
  if (colon < 0) return null;
  const kind = reason.slice(0, colon);
  return isKind(kind) ? failureText(lang, { kind, message: reason.slice(colon + 2) }) : null;
}
