// What the workstation says about the signed acts' problems in vault verify, the ledger witness, the signing module (SSHSIG) and a pack verdict's problems, in English. Part of the core's catalogue
// (en.ts spreads it in); signature-words-es.ts has every key. English is kept byte for byte as before.

export const signatureWordsEn = {
  // ---- vault verify's audit of the signed acts (core/acts/audit.ts): the --json report keeps
  // these English words; the human output says them again in the language asked for.
  'signature.audit.unsigned': '{type} by {actor} carries no signed act, in a vault that signs every act',
  'signature.audit.approvalIncomplete': 'approval.added: no signer, plan or signature',
  'signature.audit.approvalOtherSigner': 'approval.added by {actor}, but the approval is {signer}\'s',
  'signature.audit.approvalNotIdentity': 'approval.added: {signer} was not an identity in the chain when they approved',
  'signature.audit.approvalOtherKey': 'approval.added: signed with {fingerprint}, but the chain held {held} for {name}',
  'signature.audit.approvalUnproven': 'approval.added: the signer had not proved their key when they approved (it does not count)',
  'signature.audit.approvalBadSignature': 'approval.added: {name}\'s plan signature does not verify ({reason})',
  'signature.audit.noText': '{type}: its act has no text or signature',
  'signature.audit.unreadable': '{type}: {parse}',
  'signature.audit.digest': '{type}: the act\'s recorded digest is not the digest of its bytes',
  'signature.audit.twice': '{type}: the same act was used twice',
  'signature.audit.kind': 'a {act} act recorded as {type}',
  'signature.audit.otherVault': '{type}: the act was made for vault {vault}',
  'signature.audit.otherActor': '{type} by {actor}, but the act is {name}\'s',
  'signature.audit.otherRun': '{type}: the event is for run {eventRun}, the act for {run}',
  'signature.audit.otherStep': '{type}: the event is for step {eventStep}, the act for {step}',
  'signature.audit.follows': '{type}: the act follows event #{seq}, which is not the chain\'s event before it',
  'signature.audit.notIdentity': '{type}: {name} was not an identity in the chain when they acted',
  'signature.audit.otherKey': '{type}: signed with {fingerprint}, but the chain held {held} for {name}',
  'signature.audit.unproven': '{type}: {name} had not proved their key when they acted',
  'signature.audit.badSignature': '{type}: {name}\'s signature does not verify ({reason})',

  // ---- vault verify --ledger (core/ledger/witness.ts) -------------------------------------
  'signature.witness.notMember': 'This vault ({vault}) is not a workstation of the ledger at {label}; nothing there witnesses it.',
  'signature.witness.noMembership': 'the vault says it joined this ledger as {workstation} (event #{seq}), but the ledger holds no membership for it',
  'signature.witness.damaged': 'the ledger\'s copy is itself damaged, so it witnesses the vault only up to #{head}: event #{seq}: {finding}',
  'signature.witness.truncated': 'the vault ends at #{head}, but it published events up to #{published}: its chain was truncated after publishing (event #{seq} onwards is gone)',
  'signature.witness.rewritten': 'event #{seq} of the vault ({type}) differs from the one it published (hash {hash}…, the ledger holds {held}…): its chain was rewritten after publishing',

  // ---- why an SSH signature does not verify (core/signing/sshsig.ts) ----------------------
  'signature.sshsig.notArmored': 'not an SSH signature: expected "{begin}" … "{end}" around base64',
  'signature.sshsig.base64': 'the base64 inside the signature is damaged',
  'signature.sshsig.magic': 'the signature does not start with "SSHSIG"',
  'signature.sshsig.version': 'signature format version {version} is newer than this app supports',
  'signature.sshsig.trailing': 'unexpected bytes after the signature',
  'signature.sshsig.truncated': 'the signature blob is truncated',
  'signature.sshsig.hash': 'hash algorithm "{algorithm}" is not sha256 or sha512',
  'signature.sshsig.keyType': 'key type "{type}" is not supported',
  'signature.sshsig.badKey': 'the public key inside the signature is invalid ({why})',
  'signature.sshsig.sha1': 'RSA signatures with SHA-1 ("ssh-rsa") are refused',
  'signature.sshsig.rsaAlgorithm': 'an RSA key cannot make a {algorithm} signature',
  'signature.sshsig.rsaLength': 'the RSA signature is longer than the key',
  'signature.sshsig.algorithm': 'a {type} key cannot make a {algorithm} signature',
  'signature.sshsig.ecdsa': 'the ECDSA signature is malformed',
  'signature.sshsig.mismatch': 'the signature does not match the message and key',
  'signature.sshsig.namespace': 'the signature is for namespace "{namespace}", not "{expected}"',
  'signature.sshsig.wrongKey': 'signed by {fingerprint}, not by {expected}',
  'signature.sshsig.malformed': 'the signature inside the blob is malformed',
  'signature.sshsig.digest': 'the signature hashes the message with {algorithm}, but a {given} digest was given',

  // ---- why a public key is not usable (core/signing/keys.ts, a PublicKeyFormatError's problem)
  'signature.key.type': 'key type "{type}" is not supported (use ed25519, ecdsa or rsa; certificates are not accepted)',
  'signature.key.ed25519': 'an ed25519 key must be 32 bytes',
  'signature.key.rsaNumbers': 'bad RSA numbers',
  'signature.key.rsaShort': 'RSA keys shorter than 1024 bits are refused',
  'signature.key.curve': 'curve "{curve}" does not match {type}',
  'signature.key.point': 'bad ECDSA point',
  'signature.key.trailing': 'unexpected bytes after the key',
  'signature.key.truncated': 'the key data is truncated',
  'signature.key.invalid': 'the key data is invalid ({why})',
  'signature.key.empty': 'the text is empty',
  'signature.key.pem': 'this is a PEM block (a private key?), not a public key line',
  'signature.key.lines': 'expected one line, got several',
  'signature.key.line': 'expected "TYPE BASE64 [COMMENT]" (authorized_keys options are not accepted)',
  'signature.key.base64': 'the base64 part is damaged',
  'signature.key.otherType': 'the line says {type} but the key inside is {inside}',

  // ---- a pack's verdict (core/pack/manifest.ts parseVerdict) ------------------------------
  'signature.verdict.notJson': 'the verdict is not JSON',
  'signature.verdict.twice': 'the verdict names "{field}" twice, so it has two meanings; write each field once',
  'signature.verdict.malformed': 'the verdict is malformed ({issues})',
  'signature.verdict.issue': '{path}: {message}',
  'signature.verdict.topLevel': 'top level',
  'signature.verdict.needsReason': 'a rejection needs a reason',
  // pack import-signature's refusal of a verdict it cannot read (pack/sign.ts).
  'signature.verdict.inPack': 'signatures/{identity}.json: {problem}.',

  // ---- vault migrate-artifacts (core/vault/migrate-artifacts.ts) --------------------------
  'vault.migrate.leftover': '{dir} already exists, but the vault records no segments for artifact {id} ({name}): it is left from an interrupted migration or copied in. Nothing was changed for this artifact; move that folder out of {root} and run `cutover vault migrate-artifacts` again.',
  'vault.migrate.stored': 'its stored bytes ({size} bytes, sha256 {sha256}…) do not match its seal ({sealSize} bytes, {seal}…)',
  'vault.migrate.changed': 'artifact {id}: its bytes changed while they were being moved',
  'vault.migrate.readBack': 'artifact {id}: its segments did not read back as written',
} as const;

/** What signature-words-es.ts (and any other language) fills: every key above. */
export type SignatureWordsCatalogue = { readonly [K in keyof typeof signatureWordsEn]: string };
