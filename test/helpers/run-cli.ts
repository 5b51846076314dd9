/**
 * Runs the real `lowrouter` command line once, from source (node --import tsx api/src/cli.ts) or
 * compiled as `pnpm start` runs it (api/scripts/run.mjs), and collects its exit code and output.
 * The environment is this process's minus anything that would pick a database or a key, plus `env`.
 */
import { spawn } from 'node:child_process';
import { ROOT } from './spawn-gateway';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  opts: {
    compiled?: boolean;
    stdin?: string /** Another TypeScript entry (a pnpm script's). */;
    script?: string;
  } = {},
): Promise<CliRun> {
  const entry = opts.compiled
    ? ['api/scripts/run.mjs']
    : ['--import', 'tsx', opts.script ?? 'api/src/cli.ts'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: undefined,
        LOWROUTER_ADMIN_KEY: undefined,
        LOWROUTER_DATA_DIR: undefined,
        LOWROUTER_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}
