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
  // The YAML parser's reasons, one per code the `yaml` library gives (src/core/runbook/load.ts). Only a
  // reading in another language uses them: English keeps the parser's own words, byte for byte as
  // before; these English sentences say what the others say. An unknown code keeps the parser's text.
  'input.yaml.tag': 'unresolved tag {tag}: a runbook uses no YAML tags (`!something`); write the value as plain text',
  'input.yaml.alias': 'an anchor (`&name`) or alias (`*name`) that is empty or ends in ":": name it with letters, digits, "-" or "_"',
  'input.yaml.anchors': 'a value can have at most one anchor (`&name`): keep one',
  'input.yaml.tags': 'a value can have at most one tag: a runbook uses no YAML tags; write the value as plain text',
  'input.yaml.aliasProps': 'an alias (`*name`) takes no tag and no anchor: remove them, or write the value itself',
  'input.yaml.propOrder': 'an anchor or a tag goes after the `-`, `?` or `:` indicator, not before it',
  'input.yaml.scalarStart': 'an unquoted value cannot start with `{character}`: put the value in quotes',
  'input.yaml.missingChar': 'a character is missing here: the quote or closing bracket or brace that ends a value, the `,` between items, the `:` after a key, or a space after `:`, `#`, a tag or an anchor',
  'input.yaml.badIndent': 'the indentation does not fit the structure: the items of one mapping or list start at the same column, and a list in square brackets or a mapping in curly braces is indented more than its key and closed',
  'input.yaml.multilineKey': 'a key runs over more than one line: check the indentation of this line and the one before, or put the value in quotes',
  'input.yaml.unexpected': 'YAML did not expect this here: check the indentation, the commas and the `-` and `:` of this line and the one before',
  'input.yaml.badEscape': 'invalid escape sequence in double quotes: use single quotes, or write `\\\\` for a backslash',
  'input.yaml.blockInFlow': 'a block list or mapping does not fit inside square brackets or curly braces: close the bracket or brace first, or write it all as a block',
  'input.yaml.longKey': 'this key is over 1024 characters long: a key is a short name; put long text in a value',
  'input.yaml.directive': 'unknown YAML directive {directive}: a runbook needs no directives; remove the line',
  'input.yaml.duplicateKey': 'this key appears twice in the same mapping: keep one',
  'input.yaml.collectionType': 'a tag names a collection type that does not fit this value: a runbook uses no YAML tags',
} as const;

/** What input-words-es.ts (and any other language) fills: every key above. */
export type InputWordsCatalogue = { readonly [K in keyof typeof inputWordsEn]: string };
