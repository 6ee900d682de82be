// vitest hooks around the test sshd (kept apart so benchmarks can start an sshd without vitest).
import { afterAll, beforeAll } from 'vitest';
import { startSshd, type SshdOptions, type TestSshd } from './sshd';

/** One sshd for a describe block: started before its first test, stopped after its last. */
export function useSshd(options: SshdOptions = {}): { readonly current: TestSshd } {
  let sshd: TestSshd | undefined;
  beforeAll(async () => {
    sshd = await startSshd(options);
  });
  afterAll(async () => {
    await sshd?.stop();
  });
  return {
    get current(): TestSshd {
      if (!sshd) throw new Error('sshd is not started (use it inside a test)');
      return sshd;
    },
  };
}
