// A zip refused before anything is read from it (UnsafeZipError, errors.ts): its sentences and its
// reasons, as the catalogue words them in English. A refusal thrown (refusal-words.ts) and the
// same refusal listed as `pack verify`'s zip problem (problem-words.ts) are said again alike.
import type { MessageKey } from '../../shared/i18n';

/** UnsafeZipError's message, with and without the entry it names. */
export const UNSAFE_ZIP: readonly MessageKey[] = ['pack.zip.refused', 'pack.zip.refusedEntry'];

/** Why a zip was refused (zip-read.ts, source.ts, layout.ts's unsafe names): the {reason} of UNSAFE_ZIP. */
export const ZIP_REASONS: readonly MessageKey[] = [
  'pack.zip.emptyCrc', 'pack.zip.longer', 'pack.zip.cannotRead', 'pack.zip.sizeDiffers', 'pack.zip.crc', 'pack.zip.tooBig',
  'pack.zip.tooShort', 'pack.zip.noEnd', 'pack.zip.noLocator', 'pack.zip.endOutside', 'pack.zip.endDamaged', 'pack.zip.multiDisk',
  'pack.zip.entries', 'pack.zip.directorySize', 'pack.zip.directoryOutside', 'pack.zip.directoryDamaged', 'pack.zip.nameNotUtf8',
  'pack.zip.nameNotAscii', 'pack.zip.extra', 'pack.zip.zip64Short', 'pack.zip.encrypted', 'pack.zip.method', 'pack.zip.symlink',
  'pack.zip.special', 'pack.zip.folderEntry', 'pack.zip.impossible', 'pack.zip.stored', 'pack.zip.bomb', 'pack.zip.total',
  'pack.zip.collides', 'pack.zip.trailing', 'pack.zip.parentFile', 'pack.zip.localHeader', 'pack.zip.localDiffers', 'pack.zip.pastEnd',
  'pack.zip.overlap', 'pack.zip.noSpace', 'pack.zip.outside', 'pack.zip.badManifest', 'pack.zip.noManifest', 'pack.zip.notListed',
  'pack.name.empty', 'pack.name.long', 'pack.name.control', 'pack.name.backslash', 'pack.name.absolute', 'pack.name.drive',
  'pack.name.emptySegment', 'pack.name.dots', 'pack.name.longSegment',
];
