// A CLI in miniature for process-groups.test.ts: runs one local step that starts a background
// grandchild (its pid written to argv[2] first), with the termination handlers installed, and
// reports on stdout: "started" once the step is under way, then, from the termination callback,
// the step's result once its command has stopped.
import { installTerminationHandlers } from '../../src/cli/terminate';
import { LocalExecutor } from '../../src/core/targets/local';

const pidFile = process.argv[2];
if (!pidFile) throw new Error('usage: terminating-step.ts PID_FILE');

const ex = new LocalExecutor('workstation', { kind: 'local', shell: '/bin/sh' }, { secrets: {} }, { killGraceMs: 2_000 });
const step = ex.exec({
  command: `sleep 30 & echo $! > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}; echo started; wait`,
  onOutput: (chunk) => process.stdout.write(chunk),
});

installTerminationHandlers(async () => {
  const result = await step;
  process.stdout.write(`step ended: ${JSON.stringify({ exitCode: result.exitCode, signal: result.signal })}\n`);
});

void step.then(() => {
  process.stdout.write('step finished on its own\n');
});
