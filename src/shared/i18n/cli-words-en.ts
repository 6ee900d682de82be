// What the CLI itself says outside any command: commander's usage errors (worded again from
// their code and values, src/cli/usage-words.ts), a file-system error on a path the user named
// (src/cli/fs-errors.ts) and an internal error, in English. Part of the core's catalogue (en.ts
// spreads it in); cli-words-es.ts has every key. English is byte for byte what commander and
// fs-errors.ts wrote before (test/cli/usage-words.test.ts compares them).

export const cliWordsEn = {
  'cli.usage.missingArgument': 'error: missing required argument \'{name}\'',
  'cli.usage.optionMissingArgument': 'error: option \'{flags}\' argument missing',
  'cli.usage.missingMandatoryOptionValue': 'error: required option \'{flags}\' not specified',
  'cli.usage.unknownOption': 'error: unknown option \'{flag}\'{suggestion}',
  'cli.usage.unknownCommand': 'error: unknown command \'{name}\'{suggestion}',
  'cli.usage.excessArguments.one': 'error: too many arguments{where}. Expected {n} argument but got {got}.',
  'cli.usage.excessArguments.other': 'error: too many arguments{where}. Expected {n} arguments but got {got}.',
  'cli.usage.excessWhere': ' for \'{command}\'',
  'cli.usage.didYouMean': '\n(Did you mean {candidate}?)',
  'cli.usage.didYouMeanOneOf': '\n(Did you mean one of {candidates}?)',
  // --help's frame (help-words.ts): commander's titles and the words of its extras; English as commander writes them.
  'cli.help.usage': 'Usage:',
  'cli.help.arguments': 'Arguments:',
  'cli.help.options': 'Options:',
  'cli.help.globalOptions': 'Global Options:',
  'cli.help.commands': 'Commands:',
  'cli.help.usageOptions': 'options',
  'cli.help.usageCommand': 'command',
  'cli.help.default': 'default',
  'cli.help.choices': 'choices',
  'cli.help.preset': 'preset',
  'cli.help.env': 'env',
  'cli.usage.help': '(run with --help for usage)',
  'cli.internal': 'internal error (please report it with this message): {detail}',
  'cli.fs.ENOENT': 'No such file or folder: {path}. Check the path{writing}.',
  'cli.fs.ENOENT.writing': ' (to write a file, its folder must exist)',
  'cli.fs.EISDIR': '{path} is a folder, where a file is needed: give a file name.',
  'cli.fs.ENOTDIR': 'A part of {path} is a file, where a folder is needed: give a folder (a new or existing one).',
  'cli.fs.EEXIST': '{path} already exists{notFolder}: give another name, or move it away first.',
  'cli.fs.EEXIST.notFolder': ' and is not a folder',
  'cli.fs.EACCES': 'Permission denied on {path}: check who owns it and its mode.',
  'cli.fs.EROFS': '{path} is on a read-only file system: write somewhere else.',
  'cli.fs.ENOSPC': 'The disk holding {path} is full (or over quota): nothing more could be written there. Free some space and run the command again; files it had finished are intact.',
  'cli.fs.ENAMETOOLONG': 'The name {path} is too long for this file system.',
  'cli.fs.ELOOP': '{path} is a loop of symbolic links.',
  'cli.fs.aPath': 'a path',
} as const;

/** What cli-words-es.ts (and any other language) fills: every key above. */
export type CliWordsCatalogue = { readonly [K in keyof typeof cliWordsEn]: string };
