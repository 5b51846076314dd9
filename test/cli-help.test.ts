/**
 * Help never acts, for EVERY command and subcommand of the real CLI (the table comes from
 * commands/help.ts, so a new command is covered by being registered): `--help`/`-h` print its usage
 * on stdout and exit 0; an unknown flag or subcommand exits 2 with the usage line on stderr; and no
 * run of this file creates the data directory, migrates or starts a server.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMAND_HELP } from '@lowrouter/api/commands/help';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli';
import { ROOT } from './helpers/spawn-gateway';

const tmp = mkdtempSync(join(tmpdir(), 'lowrouter-help-'));
const dataDir = join(tmp, 'data');
const env = { LOWROUTER_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' };

/** Every command line that names a command or subcommand, with the usage its help starts with. */
const lines: { args: string[]; usage: string }[] = Object.entries(COMMAND_HELP).flatMap(([name, c]) => [
  { args: [name], usage: `usage: lowrouter ${name}` },
  ...Object.keys(c.subcommands ?? {}).map((sub) => ({
    args: [name, sub],
    usage: `usage: lowrouter ${name} ${sub}`,
  })),
]);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('lowrouter help never acts', () => {
  it.each(['--help', '-h', 'help'])('lowrouter %s exits 0 and lists every command', async (flag) => {
    const r = await runCli([flag], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe('usage: lowrouter <command> [options]');
    for (const name of Object.keys(COMMAND_HELP)) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('an unknown command exits 2 with the usage line on stderr', async () => {
    const r = await runCli(['bogus'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown command bogus\nusage: lowrouter <command> [options]\n');
  });

  it.each(
    lines.flatMap(({ args, usage }) => [
      { line: [...args, '--help'], usage },
      { line: [...args, '-h'], usage },
    ]),
  )('lowrouter $line prints its usage and exits 0', async ({ line, usage }) => {
    const r = await runCli(line, env);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith(usage)).toBe(true);
    expect(r.stdout).not.toContain('LowRouter is up');
    expect(r.stdout).not.toMatch(/lr_[0-9A-Za-z]{20}/);
    expect(r.code).toBe(0);
  });

  it.each(lines.filter(({ args }) => !COMMAND_HELP[args[0]!]!.subcommands || args.length > 1))(
    'lowrouter $args --bogus exits 2 with the usage line on stderr',
    async ({ args, usage }) => {
      const r = await runCli([...args, '--bogus'], env);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('--bogus');
      expect(r.stderr).toContain(usage);
      expect(r.code).toBe(2);
    },
  );

  it.each(Object.entries(COMMAND_HELP).filter(([, c]) => c.subcommands))(
    'lowrouter %s bogus exits 2 naming the subcommand',
    async (name) => {
      const r = await runCli([name, 'bogus'], env);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`lowrouter ${name}: unknown subcommand bogus\nusage: lowrouter ${name} `);
    },
  );

  it('help wins wherever it stands, even among the flags of a command that writes', async () => {
    const r = await runCli(['credits', 'grant', '--org', 'org_default', '--usd', '10', '-h'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('usage: lowrouter credits grant')).toBe(true);
  });

  it('the compiled entry (pnpm start --help) prints the usage without starting or building the pages', async () => {
    const r = await runCli(['start', '--help'], env, { compiled: true });
    expect(r.stdout.startsWith('usage: lowrouter start')).toBe(true);
    expect(r.stdout).not.toContain('LowRouter is up');
    expect(r.code).toBe(0);
  }, 120_000);

  it.each([
    ['pnpm demo', 'test/demo/run.ts', 'usage: pnpm demo'],
    ['pnpm bench', 'test/bench/run.ts', 'usage: pnpm bench'],
    ['pnpm schema:print', 'api/src/graphql/print-schema.ts', 'usage: pnpm schema:print'],
  ])('%s --help prints its usage instead of acting', async (_name, script, usage) => {
    const schemaBefore = statSync(join(ROOT, 'api/schema.graphql')).mtimeMs;
    const r = await runCli(['--help'], env, { script });
    expect(r.stdout.startsWith(usage)).toBe(true);
    expect(r.code).toBe(0);
    expect(statSync(join(ROOT, 'api/schema.graphql')).mtimeMs).toBe(schemaBefore);
  });

  it('created no data directory: nothing above opened a database', () => {
    expect(existsSync(dataDir)).toBe(false);
  });
});
