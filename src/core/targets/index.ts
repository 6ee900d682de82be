// Targets: where steps run (PostgreSQL, MySQL/MariaDB, SSH, the local shell) and the redaction every byte of
// their output passes through.
export { TargetError } from './types';
export type { ExecFailure, ExecRequest, ExecResult, Executor, OutputStream, TargetContext } from './types';
export { createExecutor, fromErrorData, TargetSessions, toErrorData } from './registry';
export type { ConnectOutcome, ExecutorOptions, TargetErrorData } from './registry';
export { LocalExecutor } from './local';
export type { LocalExecutorOptions, LocalTarget } from './local';
export { SshExecutor, hostKeyFingerprint, shellQuote } from './ssh';
export type { HostKeySource, SshExecutorOptions, SshTarget } from './ssh';
export { PostgresExecutor, parseDsn, tlsOptions } from './postgres';
export type { PostgresExecutorOptions, PostgresTarget, TlsMode } from './postgres';
export { describeSqlState, formatPgError, formatResult } from './pg-output';
export { MysqlExecutor } from './mysql';
export type { MysqlExecutorOptions, MysqlTarget } from './mysql';
export { MIN_SECRET_LENGTH, MissingSecretError, REDACTED, Redactor, redactText, redactingOutput, resolveSecretEnv } from './redact';
export { checkStepVariables, childEnvironment, INHERITED_VARIABLES, StepEnvironmentError } from './child-env';
export { killStepProcessGroups, liveStepProcessGroups, processGroupAlive, registerRemoteStep, registerStepProcessGroup, stepProcessGroupsDrained, stopRemoteSteps } from './process-groups';
export type { RedactingOutput } from './redact';
export { defaultSshConfigPath, resolveSshHost } from './ssh-config';
export type { SshHostConfig } from './ssh-config';
