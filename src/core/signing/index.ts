// Public surface of the signing layer: people's keys (files, ssh-agent, generated) and SSHSIG signatures.
export type { Signer, ParsedPublicKey, SshKeyType, GeneratedKey } from './keys';
export { parsePublicKey, fingerprintOf, formatPublicKey, loadKeyFile, generateEd25519, signerFromGenerated, SUPPORTED_KEY_TYPES } from './keys';
export { listAgentKeys, agentSigner } from './agent';
export type { HardwareKeyDetails, SshsigHashAlgorithm, SshsigFailureReason, SshsigVerifyResult } from './sshsig';
export { sshsigSign, sshsigSignDigest, sshsigVerify, sshsigVerifyDigest } from './sshsig';
export * from './errors';
export { Keyring } from './keyring';
export { signatureReasonIn, keyProblemIn } from './words';
