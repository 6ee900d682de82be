// What the workstation says about bounded reads of input files, byte sizes, YAML parser reasons and vault migrate-artifacts, in English. Part of the core's catalogue
// (en.ts spreads it in); input-words-es.ts has every key. English is kept byte for byte as before.

export const inputWordsEn = {
  // readBounded (src/cli/format.ts): a file named on the command line, refused before it is read.
  'input.read.notAFile': '{the} {path} is not a file.',
  'input.read.noFile': 'No {what} file at {path}.',
  'input.read.tooLarge': 'The {what} file {path} is {size}; a {what} is at most {max}. Is it the right file?',
  // What the file holds: the noun alone ({what}) and with its article at the start of a sentence ({the}).
  'input.what.answers': 'answers',
  'input.what.plan': 'plan',
  'input.what.signature': 'signature',
  'input.what.act': 'act',
  'input.what.fingerprint': 'fingerprint',
  'input.what.publicKey': 'public key',
  'input.what.statement': 'statement',
  'input.the.answers': 'The answers',
  'input.the.plan': 'The plan',
  'input.the.signature': 'The signature',
  'input.the.act': 'The act',
  'input.the.fingerprint': 'The fingerprint',
  'input.the.publicKey': 'The public key',
  'input.the.statement': 'The statement',
} as const;

/** What input-words-es.ts (and any other language) fills: every key above. */
export type InputWordsCatalogue = { readonly [K in keyof typeof inputWordsEn]: string };
