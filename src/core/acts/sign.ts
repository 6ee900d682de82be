// Signing an act with a key usable here: the same SSHSIG bytes `ssh-keygen -Y sign -n
// cutover-act-v1` writes for the act file, so an act signed here and one signed on another
// machine are one kind of thing.
import type { Signer } from '../signing/keys';
import { sshsigSign } from '../signing/sshsig';
import { ACT_NAMESPACE, actBytes, type ActDocument, type SignedAct } from './document';

export async function signAct(doc: ActDocument, signer: Signer): Promise<SignedAct> {
  const bytes = actBytes(doc);
  return { text: bytes.toString('utf8'), signature: await sshsigSign(signer, bytes, ACT_NAMESPACE) };
}
