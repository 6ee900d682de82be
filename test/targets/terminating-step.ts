// A CLI in miniature for process-groups.test.ts and ssh-abort.test.ts: runs one step that
// starts a background grandchild (its pid written to argv[2] first) on the local shell, or over
// SSH when argv[3] holds {"target": SshTarget, "sshConfigPath": …}, with the termination
// handlers installed. Reports on stdout: "started" once the step is under way, then, from the
// termination callback, the step's result once its command has stopped.
import { installTerminationHandlers } from '../../src/cli/terminate';
import { LocalExecutor } from '../../src/core/targets/local';
import { SshExecutor, type SshTarget } from '../../src/core/targets/ssh';
import type { Executor } from '../../src/core/targets/types';

const pidFile = process.argv[2];
if (!pidFile) throw new Error('usage: terminating-step.ts PID_FILE [SSH_JSON]');
const ssh = process.argv[3] ? (JSON.parse(process.argv[3]) as { target: SshTarget; sshConfigPath: string }) : null;

const ex: Executor = ssh
  ? new SshExecutor('app-host', ssh.target, { secrets: {}, sshConfigPath: ssh.sshConfigPath }, { killGraceMs: 2_000 })
  : new LocalExecutor('workstation', { kind: 'local', shell: '/bin/sh' }, { secrets: {} }, { killGraceMs: 2_000 });
const step = ex.exec({
  command: `sleep 30 & echo $! > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile}; echo started; wait`,
  onOutput: (chunk) => process.stdout.write(chunk),
});

installTerminationHandlers(async () => {
  const result = await step;
  process.stdout.write(`step ended: ${JSON.stringify({ exitCode: result.exitCode, signal: result.signal, failure: result.failure?.kind ?? null })}\n`);
});

void step.then(() => {
  process.stdout.write('step finished on its own\n');
});
