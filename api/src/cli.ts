/**
 * `pnpm lowrouter <command>`: the operator's command line. Each command lives in commands/<name>.ts
 * and is loaded only when called, so `lowrouter eco` starts without touching the database.
 *
 * Help never acts: `--help`/`-h` anywhere on the line (before `--`) prints the help of the command or
 * subcommand from commands/help.ts and exits 0 before any command module is loaded. An unknown
 * command, subcommand or flag exits 2 with the usage line on stderr.
 */
import { UsageError } from './commands/args';
import { COMMAND_HELP, topHelp } from './commands/help';

type Run = (args: string[]) => Promise<number>;

const modules: Record<string, () => Promise<{ run: Run }>> = {
  start: () => import('./commands/start'),
  'build-web': () => import('./commands/build-web'),
  migrate: () => import('./commands/migrate'),
  eco: () => import('./commands/eco'),
  grid: () => import('./commands/grid'),
  orgs: () => import('./commands/orgs'),
  keys: () => import('./commands/keys'),
  credits: () => import('./commands/credits'),
  usage: () => import('./commands/usage'),
  audit: () => import('./commands/audit'),
};

const isHelp = (a: string) => a === '--help' || a === '-h';

function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some(isHelp);
}

const usageLine = (help: string) => help.split('\n')[0] ?? '';

async function helpOf(name: string): Promise<string> {
  // eco's help is long and lives beside its parser; loading eco.ts touches nothing.
  if (name === 'eco') return (await import('./commands/eco')).HELP;
  return COMMAND_HELP[name]!.help;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || isHelp(name) || name === 'help') {
    process.stdout.write(topHelp());
    return 0;
  }
  const load = modules[name];
  if (!load || !Object.hasOwn(COMMAND_HELP, name)) {
    process.stderr.write(
      `lowrouter: unknown command ${name}\n${usageLine(topHelp())}\n(lowrouter --help lists the commands)\n`,
    );
    return 2;
  }
  const command = COMMAND_HELP[name]!;
  let help = await helpOf(name);
  let label = `lowrouter ${name}`;
  if (command.subcommands) {
    const [sub, ...subArgs] = rest;
    if (sub === undefined || isHelp(sub)) {
      (sub === undefined ? process.stderr : process.stdout).write(help);
      return sub === undefined ? 2 : 0;
    }
    const subHelp = Object.hasOwn(command.subcommands, sub) ? command.subcommands[sub] : undefined;
    if (!subHelp) {
      process.stderr.write(`${label}: unknown subcommand ${sub}\n${help}`);
      return 2;
    }
    help = subHelp;
    label = `${label} ${sub}`;
    if (wantsHelp(subArgs)) {
      process.stdout.write(help);
      return 0;
    }
  } else if (wantsHelp(rest)) {
    process.stdout.write(help);
    return 0;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    if (!(err instanceof UsageError))
      throw new Error(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    process.stderr.write(`${label}: ${err.message}\n${usageLine(help)}\n(${label} --help says more)\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof Error && err.message.startsWith('lowrouter') ? '' : 'lowrouter: '}${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
