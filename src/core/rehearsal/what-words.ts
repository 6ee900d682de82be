// What differed between a production step and its rehearsal (compare.ts records it in English:
// "Alembic revision path", "transcript"…), said again in another language.
import type { Lang, MessageKey } from '../../shared/i18n';
import { wordAgain } from '../reports/word-again';

export const REHEARSAL_WHAT: readonly MessageKey[] = ['rehearsal.what.status', 'rehearsal.what.command', 'rehearsal.what.exitCode', 'rehearsal.what.gates', 'rehearsal.what.captured', 'rehearsal.what.alembic', 'rehearsal.what.rowCounts', 'rehearsal.what.transcript'];

/** One difference's words in `lang`. */
export const oneWhatText = (lang: Lang, what: string): string => wordAgain(lang, what, REHEARSAL_WHAT);

/** A recorded list of differences ("transcript, exit code") in `lang`. */
export const whatText = (lang: Lang, list: string): string => list.split(', ').map((w) => oneWhatText(lang, w)).join(', ');
