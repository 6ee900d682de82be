// The keys usable at this workstation in this session, as ssh-agent holds them: the owner's key
// (unlocked once, not per click), keys in an ssh-agent, key files a person brought. Nothing here
// is stored; a Keyring is built when a session starts and dropped when it ends.
import type { Signer } from './keys';

export class Keyring {
  private readonly signers = new Map<string, Signer>();

  constructor(signers: Iterable<Signer> = []) {
    for (const signer of signers) this.add(signer);
  }

  /** Adds a usable key; the same key twice is kept once. */
  add(signer: Signer): void {
    this.signers.set(signer.fingerprint, signer);
  }

  remove(fingerprint: string): void {
    this.signers.delete(fingerprint);
  }

  /** The signer for a key fingerprint ("SHA256:…"), if that key is usable here. */
  signerFor(fingerprint: string): Signer | undefined {
    return this.signers.get(fingerprint);
  }

  fingerprints(): string[] {
    return [...this.signers.keys()];
  }
}
