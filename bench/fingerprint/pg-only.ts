// `cutover pg …` with only the pg commands registered: the floor for the real CLI, which loads
// each command's core modules only when that command runs (so the two should be close). For the
// benchmark's comparison only.
import { Command, CommanderError } from 'commander';
import { registerPg } from '../../src/cli/commands/pg';
import { CliUsageError } from '../../src/cli/errors';

let exitCode = 0;
const program = new Command('cutover').exitOverride();
registerPg(program, (code) => {
  exitCode = code;
});
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliUsageError) {
    process.stderr.write(`cutover: ${error.message}\n`);
    exitCode = 2;
  } else if (error instanceof CommanderError) {
    exitCode = 2;
  } else {
    throw error;
  }
}
process.exitCode = exitCode;
