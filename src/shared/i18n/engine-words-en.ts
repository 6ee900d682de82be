// The engine's own refusals and the act problems it names (src/core/engine, src/core/acts), in
// English. Part of the core's catalogue (en.ts spreads it in, so translate() takes these keys);
// engine-words-es.ts has every key (a missing one is a compile error). Each sentence is the
// engine's English word for word. A value's problems (the shell splice, a probe's; a missing
// value's are the `that:` gate's gate.that.* sentences) are thrown in English and worded again
// (value-words.ts, matchAgain) where they become a refusal, since a `that:` gate records them.

export const engineWordsEn = {
  // ---- the run engine (engine.ts) ------------------------------------------------------------
  'engine.noRun': 'No run {run} in this vault; see `cutover run list`.',
  'engine.condition.undecided': 'Step {step}\'s condition cannot be decided yet: {reason}',
  'engine.condition.changed': 'Step {step}\'s condition changed while it was being decided; try again.',
  'engine.rehearsal.productionOnly': 'Only a production run is bound to a rehearsal (--rehearsal PACK goes with --env production).',
  'engine.run.alreadyStarted': 'Run {run} already started.',
  'engine.production.login': 'Refused in production: {warning}',
  'engine.execute.attempt': 'This act starts attempt {attempt} of {step}, which is not the next one; sign a new one.',
  'engine.execute.occurrence': 'Occurrence {n} of {step} is no longer the next one; run it again.',
  'engine.import.signedHere': 'A {act} act is signed at the workstation that does it, by its operator; it cannot be imported.',
  'engine.import.decisionRecord': 'A decision.record act is imported with `cutover run decision --act`.',
  'engine.step.kind': 'Step {step} is a {kind} step, not {expected}.',
  'engine.step.expected.attest': 'an attestation',
  'engine.step.expected.record': 'a record step',
  'engine.step.expected.manual': 'a manual step',
  'engine.step.onlyManualDone': 'Step {step} is a {kind} step; only manual steps are marked done by hand.',
  'engine.act.namesStep': 'A {act} act names a step.',
  'engine.act.notStepAct': 'A {act} act is not a step act.',
  'engine.step.notApplies': 'Step {step} does not apply in this run ({why}): it is recorded N/A when the run reaches it, not {instead}.',
  'engine.step.notApplies.attest': 'attested',
  'engine.step.notApplies.record': 'recorded',
  'engine.step.notApplies.done': 'done',
  'engine.step.already.attest': 'Step {step} is already attested.',
  'engine.step.already.record': 'Step {step} is already recorded.',
  'engine.step.already.done': 'Step {step} is already done.',
  'engine.attest.otherStatement': 'The act attests "{signed}", not this step\'s statement "{statement}".',
  'engine.decision.kinds': 'A decision is rollback, stop or retry.',
  'engine.record.values': 'Step {step} records values.',
  'engine.record.noField': 'Step {step} has no field "{name}" (it has {known}).',
  'engine.record.text': '{label} is text.',
  'engine.record.required': 'Step {step} needs {label} ({name}).',
  'engine.record.pattern': '{label} "{value}" does not match /{pattern}/.',
  // ---- a repeating step's occurrences (schedule.ts) ------------------------------------------
  'engine.schedule.stopped': 'The run is STOPPED; its schedules end with it.',
  'engine.schedule.running': 'An occurrence of {step} is already running.',
  'engine.schedule.over': 'The schedule of {step} is over (every {every} for {for} from {firstAt}).',
  'engine.schedule.notYet': 'Occurrence {n} of {step} is due at {dueAt}, not yet.',
  // ---- conditions (conditions.ts) ------------------------------------------------------------
  'engine.condition.onStep': 'step {id}',
  'engine.condition.onPhase': 'phase {id}',
  'engine.condition.environments': '{whose} applies to {environments}, and this run is {environment}',
  'engine.condition.false': '{whose}: `{expr}` is false',
  'engine.condition.falseWith': '{whose}: `{expr}` is false ({values})',
  'engine.notApplicable.ran': 'Step {step} is {status}; only a step that has not run becomes N/A.',
  // ---- values and references (values.ts) -----------------------------------------------------
  'engine.value.splice': 'Step {step} would splice {ref} = {text} into a shell command, and a shell would not read it as one plain word (spaces, quotes, ; $ & | and the like, or empty). Pass it through the step\'s env instead ({example}) and write "$NAME" in the command.',
  'engine.value.targetInvalid': 'Target {name}, with its parameters filled in, is not valid: {issues}.',
  // ---- preparing a step (execute.ts, monitor.ts) ---------------------------------------------
  'engine.prepare.step': 'Step {step}: {message}',
  'engine.monitor.thresholdValues': 'the threshold "{text}" needs the run\'s values to compute its limit',
  'engine.monitor.probeTarget': 'the probe names target "{target}", which is not an http target of this run',
  // ---- a run's T-0 (t-zero.ts) ---------------------------------------------------------------
  'engine.t0.notTime': 'T-0 "{value}" is not a time: give HH:MM (today, local time) or an ISO 8601 date and time with its zone, e.g. 2026-12-06T22:00:00Z or 2026-12-06T23:00+01:00.',
  'engine.t0.notReal': 'T-0 "{value}" is not a real date and time.',
  'engine.t0.tooFar': 'T-0 {at} is more than 30 days from now; a run\'s T-0 is the cutover\'s planned start (check the date).',
  // ---- targets and a step's environment (resolve.ts) -----------------------------------------
  'engine.target.unknown': '--target {name}=…: the runbook has no target "{name}" (it has {known}).',
  'engine.target.postgres': '--target {name} is a postgres target: give a postgresql:// DSN.',
  'engine.target.mysql': '--target {name} is a mysql target: give a mysql:// DSN (mysql://user@host:3306/db, no password).',
  'engine.target.mysqlUrl': '--target {name}: "{uri}" is not a valid mysql:// URL.',
  'engine.target.http': '--target {name} is an http target: give its base URL, http://… or https://….',
  'engine.target.shell': '--target {name} is a shell target: give ssh://user@host:port[?cwd=DIR] or local[:DIR].',
  'engine.target.invalid': '--target {name}: {issues}',
  'engine.env.secret': 'The secret "{name}" (used by {key}) is not in the vault: set it with `cutover secret set --name {name}`.',
  'engine.env.target': '{key} refers to an unknown target "{name}".',
  // ---- a malformed act's fields (acts/issue-words.ts); English output keeps zod's own words ----
  'engine.actField.whole': 'act',
  'engine.actField.invalidType': 'missing or not of the expected type ({expected} expected)',
  'engine.actField.tooSmall': 'too short or too small (at least {minimum})',
  'engine.actField.tooBig': 'too long or too large (at most {maximum})',
  'engine.actField.invalidFormat': 'not in the expected format ({format})',
  'engine.actField.pattern': 'does not match the pattern {pattern}',
  'engine.actField.invalidValue': 'not one of the values allowed ({values})',
  'engine.actField.unrecognizedKeys': 'fields an act does not carry: {keys}',
  'engine.actField.other': 'not valid here',
  // ---- signing an act here (acts/context.ts) -------------------------------------------------
  'engine.act.keyNotHere': '{name}\'s key ({key}) is not usable at this workstation, so nothing was done in their name. Either bring the key (ssh-agent holding it, or --key FILE), or have {name} sign the act on their own machine: `cutover act export --vault {vault} {run}{step} --as {name} --out act.json`, `ssh-keygen -Y sign -n cutover-act-v1 -f KEY act.json`, then `cutover act import --vault {vault} --act act.json --signature act.json.sig`.',
  // ---- `cutover run …`, `plan`, `approve`, `secret set`: what the command line gets wrong ---------
  'engine.cli.acceptHostKey': '--accept-host-key takes TARGET=SHA256:…, got "{item}".',
  'engine.cli.target': '--target takes NAME=URI, got "{value}".',
  'engine.cli.param': '--param takes NAME=VALUE, got "{value}".',
  'engine.cli.paramTwice': '--param {name} is given twice.',
  'engine.cli.env': '--env is rehearsal or production.',
  'engine.cli.rehearsalProduction': '--rehearsal PACK binds a production run to its rehearsal: it goes with --env production.',
  'engine.cli.decision': '--decision is retry, rollback or stop.',
  'engine.cli.stepRetry': '--step goes with --decision retry.',
  'engine.cli.wait': '--wait takes a duration like 90s, 30m or 2h (or 0), got "{value}".',
  'engine.cli.approverKey': '{name}\'s key is not usable here (not in the ssh-agent, no --key FILE). They sign on their own machine: `cutover plan export --vault {vault} {run} --out plan.json`, `ssh-keygen -Y sign -n cutover-plan-v1 -f KEY plan.json`, then `cutover approve import`.',
  'engine.cli.noFile': 'No file at {file}.',
  'engine.cli.answersNotYaml': 'The answers file {path} is not valid YAML or JSON: {reason}. It maps step ids to answers, e.g. "freeze: true" or {example}.',
  'engine.cli.answersNotMap': 'The answers file {path} must map step ids to answers (e.g. "freeze: true"), not hold a {kind}.',
  'engine.cli.secretValue': 'Value of {name}: ',
  'engine.cli.keyPassphrase': 'Passphrase for your key: ',
  'engine.cli.hostKeyPrompt': 'First connection to {target}. Its host key fingerprint is\n  {fingerprint}\nCompare it with the one the server\'s admin gave you. Type "yes" to pin it: ',
} as const;

/** What engine-words-es.ts (and any other language) fills: every key above. */
export type EngineWordsCatalogue = { readonly [K in keyof typeof engineWordsEn]: string };
