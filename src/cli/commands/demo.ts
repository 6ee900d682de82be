import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { CliUsageError, EXIT_FAILED, EXIT_OK } from '../errors';
import { printJson } from '../format';
import { outputLang, requestedLang } from '../lang';
import { translator } from '../../shared/i18n';

export function registerDemo(program: Command, setExit: (code: number) => void): void {
  program.command('demo')
    .description('run the bundled alembic-governance example end to end on this machine (a throwaway database on the local PostgreSQL, PGURL overrides): the operator owns the vault; two approvers each hold their own key in OUT/machines/NAME and sign with plain ssh-keygen -Y sign')
    .requiredOption('--out <dir>', 'a new or empty folder for the vault, the signed pack and the PDF')
    .option('--blocked', 'run the variant that hits the DuplicateTable abort gate and write the incident report')
    .option('--example <name>', 'rehearse another shipped example end to end: alembic-governance (the default), incremental-sync (a throwaway MariaDB source too; MYSQL_URL overrides mysql://root@127.0.0.1:3306/), go-live or postgres-primary; each host API runs as a child process on a free loopback port and is stopped after')
    .option('--production', 'rehearse the alembic-governance example, export its pack, then run production on a second throwaway database bound to that rehearsal, compared step by step')
    .option('--deviation', 'with --production: production\'s checkout has one extra pending revision, so P3 deviates and BLOCKS until both approvers accept the diff')
    .option('--team', 'three people and the operator on four workstations through the team ledger at --db: separate vaults in OUT, each person acting in their own CLI processes (the operator\'s run play receives the approvals, the attestation and the incident commander\'s GO as they arrive); ends with a verified, signed pack carrying ledger checkpoints')
    .option('--db <url>', 'with --team: the team ledger\'s PostgreSQL URL (made with `ledger init` if it is not there)')
    .option('--json', 'print JSON')
    .action(async (opts: { out: string; blocked?: boolean; example?: string; production?: boolean; deviation?: boolean; team?: boolean; db?: string; json?: boolean }) => {
      const generated = !process.env.CUTOVER_PASSPHRASE;
      const passphrase = process.env.CUTOVER_PASSPHRASE || randomBytes(12).toString('base64url');
      if (opts.deviation && !opts.production) throw new CliUsageError(translator(outputLang()).t('cmd.demo.deviation'));
      if (opts.db !== undefined && !opts.team) throw new CliUsageError(translator(outputLang()).t('cmd.demo.db'));
      if (opts.team) {
        if (opts.blocked || opts.example || opts.production) throw new CliUsageError(translator(outputLang()).t('cmd.demo.teamAlone'));
        if (!opts.db) throw new CliUsageError(translator(outputLang()).t('cmd.demo.teamDb'));
        const { runTeamDemo } = await import('../../core/demo/team');
        const result = await runTeamDemo({ out: opts.out, db: opts.db, passphrase, log: opts.json ? undefined : (line) => console.log(line) });
        if (opts.json) printJson({ ...result, passphrase: generated ? passphrase : undefined });
        else console.log(teamSummary(result, generated ? passphrase : null, opts.db));
        setExit(result.verify.ok && result.ledger.ok ? EXIT_OK : EXIT_FAILED);
        return;
      }
      if (opts.production) {
        if (opts.blocked || opts.example) throw new CliUsageError(translator(outputLang()).t('cmd.demo.productionAlone'));
        const { runProductionDemo } = await import('../../core/demo/production');
        const { formatComparison } = await import('../../core/rehearsal/report');
        const result = await runProductionDemo({ out: opts.out, deviation: opts.deviation, passphrase, language: requestedLang(), log: opts.json ? undefined : (line) => console.log(line) });
        if (opts.json) printJson({ ...result, passphrase: generated ? passphrase : undefined });
        else {
          const tr = translator(outputLang());
          console.log([
            `\n${formatComparison(result.production.comparison, tr.lang)}\n`,
            `${tr.t('demo.summary.vault', { vault: result.vault })}${generated ? tr.t('demo.summary.passphrase', { passphrase }) : ''}`,
            tr.t('demo.summary.rehearsalPack', { folder: result.rehearsal.pack.folder }),
            tr.t('demo.summary.productionPack', { folder: result.production.pack?.folder ?? tr.t('demo.summary.noPack') }),
            tr.t('demo.summary.productionFiles', { section: tr.t('pdf.rehearsalSection.heading') }),
          ].join('\n'));
        }
        setExit(result.production.status === 'COMPLETED' ? EXIT_OK : EXIT_FAILED);
        return;
      }
      const demoOptions = { out: opts.out, blocked: opts.blocked, passphrase, language: requestedLang(), log: opts.json ? undefined : (line: string) => console.log(line) };
      const result = opts.example
        ? await (await import('../../core/demo/examples')).runExampleDemo(opts.example, demoOptions)
        : await (await import('../../core/demo')).runDemo(demoOptions);
      if (opts.json) {
        printJson({ ...result, passphrase: generated ? passphrase : undefined });
      } else {
        const tr = translator(outputLang());
        console.log(`\n${tr.t('demo.summary.vault', { vault: result.vault })}${generated ? tr.t('demo.summary.passphrase', { passphrase }) : ''}`);
        console.log(tr.t('demo.summary.machines', { dir: opts.out }));
        if (result.pack) {
          console.log(tr.t('demo.summary.pack', { folder: result.pack.folder, zip: result.pack.zip }));
          console.log(tr.t('demo.summary.verification', { summary: result.verify?.summary ?? tr.t('demo.summary.notRun') }));
          console.log(`\n${tr.t('demo.summary.verifyYourself', { folder: result.pack.folder, zip: result.pack.zip })}`);
        }
        if (result.incident) console.log(tr.t('demo.summary.incident', { markdown: result.incident.markdown, pdf: result.incident.pdf }));
        console.log(`\n${tr.t('demo.summary.seeRun', { vault: result.vault, runId: result.runId })}`);
      }
      // An example's rehearsal that stops before its pack failed; the --blocked demo stops by design.
      setExit(result.pack ? (result.verify?.ok ? EXIT_OK : EXIT_FAILED) : (opts.example && !result.incident ? EXIT_FAILED : EXIT_OK));
    });
}

function teamSummary(result: import('../../core/demo/team').TeamDemoResult, passphrase: string | null, db: string): string {
  const tr = translator(outputLang());
  const lines = ['', tr.t('cmd.demo.team.run', { runId: result.runId, status: result.status })];
  for (const p of result.people) {
    lines.push('', tr.t('cmd.demo.team.person', { name: p.name, roles: p.roles.join(', '), part: p.part, workstation: p.workstation, vault: p.vault }));
    for (const d of p.did) lines.push(`  $ ${d.command}`, ...d.said.map((s) => `      ${s}`));
  }
  lines.push('', tr.t('cmd.demo.team.passphrase', { passphrase: passphrase ?? tr.t('cmd.demo.team.passphraseGiven') }), tr.t('cmd.demo.team.runbook', { runbook: result.runbook }));
  lines.push(tr.t('cmd.demo.team.pack', { folder: result.pack.folder, zip: result.pack.zip }), tr.t('cmd.demo.team.packVerify', { summary: result.verify.summary }), tr.t('cmd.demo.team.ledgerVerify', { summary: result.ledger.summary }));
  lines.push('', tr.t('cmd.demo.team.verifyYourself'), `  cd ${result.pack.folder} && sha256sum -c SHA256SUMS`, `  npx cutover pack verify ${result.pack.zip}`, `  npx cutover ledger verify --db ${db}`);
  return lines.join('\n');
}
