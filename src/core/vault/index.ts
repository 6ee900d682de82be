export { Vault, type CreateOptions, type OpenUpkeep, type ReadOnlyVault } from './vault';
export type { VaultReadDb } from './database';
export { ArtifactWriter, CHUNK_BYTES, processAlive } from './artifacts';
export { keyslotsPathFor, defaultScryptParams, type KeychainUnwrap, type Unlock, type ScryptParams } from './keyslots';
export { GENESIS_HASH, canonicalJson, eventHash } from './chain';
export * from './errors';
export type * from './types';
export { addIdentity, listIdentities, getIdentity, ROLES, type NewIdentity } from './identities';
export { setSecret, getSecrets, secretNames } from './secrets';
