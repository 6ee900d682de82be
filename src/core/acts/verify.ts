// Checks a signed act before anything is appended: its bytes, its signature by the key the chain
// holds for the person it names, that the person proved their key, that it extends this chain
// after the head it names, and that it was not used before.
import { sshsigVerify } from '../signing/sshsig';
import type { Role } from '../vault/types';
import { ACT_NAMESPACE, ActRefusedError, actDigest, parseAct, type ActDocument, type SignedAct } from './document';

/** A person as the chain holds them. */
export interface ActIdentity {
  name: string;
  roles: Role[];
  publicKey: string;
  fingerprint: string;
  proven: boolean;
  custodial: boolean;
}

export interface ActContext {
  vaultId: string;
  identity(name: string): ActIdentity | undefined;
  /** The hash of the chain's event at `seq` (GENESIS for 0), or undefined past the head. */
  hashAt(seq: number): string | undefined;
  /** True when an act with this digest is already in the chain (an act is used once). */
  used(digest: string): boolean;
}

export interface VerifiedAct {
  doc: ActDocument;
  identity: ActIdentity;
  digest: string;
  signed: SignedAct;
}

/** Why a person's acts cannot count, or null. */
export function standingRefusal(identity: ActIdentity | undefined, name: string): string | null {
  if (!identity) return `"${name}" is not an identity in this vault; add them with \`cutover identity add --public-key\` and have them prove their key.`;
  if (identity.custodial) return `${identity.name}'s private key was held by this vault (made before people held their own keys), so their acts do not count; register them again by public key under a new name and have them prove it.`;
  if (!identity.proven) return `${identity.name} has not proved their key yet, so their acts do not count: \`cutover identity statement --name ${identity.name}\`, they sign it with \`ssh-keygen -Y sign -n cutover-identity-v1\`, then \`cutover identity prove\`.`;
  return null;
}

export function verifyAct(signed: SignedAct, context: ActContext): VerifiedAct {
  const doc = parseAct(signed.text);
  if (doc.vault !== context.vaultId) throw new ActRefusedError(`This act was made for vault ${doc.vault}, not this one (${context.vaultId}).`);
  const identity = context.identity(doc.by.name);
  if (!identity) throw new ActRefusedError(standingRefusal(undefined, doc.by.name)!);
  if (identity.fingerprint !== doc.by.fingerprint) throw new ActRefusedError(`The act names key ${doc.by.fingerprint} for ${identity.name}, whose key in this vault's chain is ${identity.fingerprint}.`);
  const verified = sshsigVerify(signed.signature, Buffer.from(signed.text), ACT_NAMESPACE, identity.publicKey);
  if (!verified.ok) throw new ActRefusedError(`${identity.name}'s signature over this act does not verify (${verified.reason}: ${verified.message}). Sign the exact act file with \`ssh-keygen -Y sign -n ${ACT_NAMESPACE} -f KEY act.json\`.`);
  const standing = standingRefusal(identity, doc.by.name);
  if (standing) throw new ActRefusedError(standing);
  if (context.hashAt(doc.follows.seq) !== doc.follows.hash) throw new ActRefusedError(`The act follows event #${doc.follows.seq} (${doc.follows.hash.slice(0, 12)}…), which is not in this vault's chain: it was made for another chain or an edited one.`);
  const digest = actDigest(signed.text);
  if (context.used(digest)) throw new ActRefusedError('This exact act is already in the chain; an act counts once. Export a new one.');
  return { doc, identity, digest, signed };
}
