// What main itself says when it refuses a call or cannot do it (src/main/**), in English, and
// the words for an IPC input that does not pass the contract. Part of the core's catalogue
// (en.ts spreads it in, so translate() takes these keys); main-es.ts has every key (a missing
// one is a compile error). English is kept byte for byte as main's messages were before.

export const mainEn = {
  // ---- the vault session --------------------------------------------------------------------
  'main.vault.lockedIdle': 'The vault locked itself after a period of inactivity. Unlock it again to continue.',
  'main.vault.noneOpen': 'No vault is unlocked. Create or unlock a vault first.',
  'main.vault.stepRunning': 'A step is running. Cancel it or wait for it to end before locking or switching the vault.',
  // A vault that will not open: English is core's own message (the vault's errors); these are
  // main's words for the window, with what main knows (the path it was asked to open).
  'main.vault.notFound': 'No vault at {path}. Check the path, or create one with `cutover vault init --vault {path}`.',
  'main.vault.exists': '{path} already exists; a new vault is never written over an existing file. Choose another path.',
  'main.vault.keyslotsMissing': 'The key file {keyslots} that unlocks {path} is missing. A vault is two files: keep {keyslots} beside it (restore it from the same backup as the vault).',
  'main.vault.notAVault': '{path} is not a Cutover vault. Choose a file made by Cutover Workstation (or `cutover vault init`).',
  'main.vault.wrongPassphrase': 'Wrong passphrase: it does not unlock this vault. Nothing was changed; try again.',
  'main.vault.corrupt': '{path} is damaged. Nothing was written; restore the vault from a backup, or keep this copy for forensics.',
  'main.vault.tooNew': '{path} was written by a newer Cutover Workstation. Upgrade the app to open it; the vault was not touched.',
  'main.vault.busy': '{path} is busy: another Cutover process is writing to it. Wait for it to finish, or close the other window, and try again.',
  'main.vault.readOnly': '{path} cannot be written here (read-only). Open a copy you can write to, or fix the file\'s permissions.',
  'main.vault.diskFull': 'The disk holding {path} is full. Free some space and try again; nothing stored was damaged.',
  'main.vault.keychainCannot': 'The OS keychain cannot unlock this vault. Unlock with the passphrase.',
  'main.keychain.unavailable': 'This machine offers no OS keychain to Cutover Workstation (Electron safeStorage is not available), so a vault cannot be remembered or unlocked with it. Use the passphrase.',

  // ---- people, keys and files ---------------------------------------------------------------
  'main.identity.notFound': 'No identity named "{name}" in this vault.',
  'main.key.notInVault': 'The key {fingerprint} in {path} is no identity\'s key in this vault; add its person on the People screen (by public key) first. The key was not kept.',
  'main.key.custodialFile': 'The key {fingerprint} belongs to {name}, whose key this vault once held (custodial); it never signs. Register them again by public key under a new name.',
  'main.key.noIdentity': 'No identity named "{name}" in this vault; nothing was done.',
  'main.key.custodial': '{name}\'s key was held by this vault before each person held their own key (custodial); it never signs. Register them again by public key under a new name.',
  'main.key.notProven': '{name} has not proved their key yet (People: import their signed identity statement); their acts do not count, so nothing was done.',
  'main.key.notUsable': '{name}\'s key ({fingerprint}) is not usable at this workstation, so nothing was done in their name. Bring their key file for this session (People: "Bring a key file"), or export the act for {name} to sign on their own machine and import it.',
  'main.file.notChosen': 'That {what} was not chosen in this window\'s file dialog. Click “Browse…” and pick the file there: the window reads and writes only files picked in the system\'s dialog.',
  'main.file.purpose.plan': 'plan file',
  'main.file.purpose.markdown': 'Markdown runbook',
  'main.file.purpose.draft': 'file to save the draft in',
  'main.file.purpose.runbook': 'runbook',
  'main.file.purpose.key': 'key',
  'main.file.purpose.pack': 'pack',
  'main.file.purpose.act': 'act',
  'main.file.purpose.signature': 'signature',
  // English is core's own message (pack/source.ts); main's words when the path is not there.
  'main.pack.notFound': 'No pack at {path}: give a pack folder or a pack .zip.',
  'main.pack.unreadable': 'Cannot read the pack at {path} ({code}). Check the path and that this app may read it, then import again; nothing was recorded.',
  'main.draft.isSource': '{file} is the Markdown runbook itself: choose another file for the YAML draft (for example {example}.yaml).',
  'main.draft.changed': '{file} changed since it was imported: the draft shown is not what it gives now. Import it again, check the draft, then save.',
  'main.draft.notAFile': '{path} is not a regular file: choose a file name for the YAML draft.',
  'main.draft.exists': '{path} already exists. Replace it with the draft, or choose another name.',
  'main.draft.cannotWrite': 'Cannot write {path} ({why}): choose a folder you can write to.',
  'main.file.notOpenable': 'Only a PDF this window wrote (a pack’s decision.pdf, an incident report) can be opened from here.',

  // ---- runs and targets ---------------------------------------------------------------------
  // English is core's own message; the window's words when the run is not in the open vault.
  'main.run.notFound': 'No run {runId} in this vault; see `cutover run list`.',
  'main.run.stepRunning': 'Step {step} is already running.',
  'main.run.actOtherRun': 'This act is for run {run}, not the run open here ({runId}); nothing was recorded.',
  'main.target.notFound': 'No saved target named "{name}". Add it on the Targets screen first.',
  'main.target.notPostgres': 'Target "{name}" is a {kind} target; this needs a PostgreSQL target.',

  // ---- the War room ---------------------------------------------------------------------------
  'main.warRoom.noLedger': 'The War room follows no ledger for this vault: connect to the team ledger first.',
  'main.warRoom.stopped': 'The War room stopped following this ledger: follow it again.',
  'main.warRoom.notJoined': 'This vault has not joined the ledger it follows ({ledger}), so nothing it signs reaches the operator: join it first (`cutover ledger join --vault {vault} --db {url} --name WORKSTATION`).',
  'main.warRoom.keyLocked': '{name}\'s key is not unlocked in this session (People screen, session keys): nothing was signed.',

  // ---- the contract itself ------------------------------------------------------------------
  'main.channel.unknown': '"{channel}" is not a channel of this app\'s contract.',
  'main.input.field': '{path}: {problem}',
  'main.input.whole': '{problem}',
  'main.input.invalidType': 'the value is missing or of the wrong type ({expected} expected). Send it as the form asks.',
  // zod's names of the expected types, as a person reads them.
  'main.input.type.string': 'text',
  'main.input.type.number': 'a number',
  'main.input.type.boolean': 'true or false',
  'main.input.type.object': 'an object',
  'main.input.type.array': 'a list',
  'main.input.tooSmall': 'the value is too short or too small (at least {minimum}). Fill it in again.',
  'main.input.tooBig': 'the value is too long or too large (at most {maximum}). Shorten it and try again.',
  'main.input.invalidFormat': 'the value does not have the expected format ({format}). Correct it and try again.',
  'main.input.invalidValue': 'the value is not one of those allowed ({values}). Choose one of them.',
  'main.input.unrecognizedKeys': 'fields this call does not take: {keys}. Leave them out.',
  'main.input.other': 'the value is not valid here. Correct it and try again.',
  // The Runbooks screen's gates main words itself (views.ts), and a call from a frame that is not the app's (index.ts).
  'main.gate.statusIs': 'status = {status}',
  'main.gate.statusIn': 'status in {statuses}',
  'main.gate.probe': 'probe {n}',
  'main.gate.probeEveryOne': '{probes} every {every} for {for}',
  'main.gate.probeEvery': '{probes} (in parallel) every {every} for {for}',
  'main.sender.forbidden': 'This call did not come from the Cutover Workstation window and was refused.',
} as const;

/** What main-es.ts (and any other language) fills: every key above. */
export type MainCatalogue = { readonly [K in keyof typeof mainEn]: string };
