/**
 * Starts the real `lowrouter start` process on a free port and waits until it says it is up: from
 * source through tsx by default, or `compiled` as `pnpm start` runs it (api/scripts/run.mjs: build
 * when stale, then api/dist/cli.js). For tests of process behaviour: signals, crash recovery, the CLI.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnedGateway {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

export async function spawnGateway(
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
  /** Extra node flags (e.g. --cpu-prof for benchmarks). */
  nodeArgs: string[] = [],
  opts: { compiled?: boolean } = {},
): Promise<SpawnedGateway> {
  const entry = opts.compiled ? ['api/scripts/run.mjs'] : ['--import', 'tsx', 'api/src/cli.ts'];
  const child = spawn(process.execPath, [...nodeArgs, ...entry, 'start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOWROUTER_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave a half-started gateway behind the failed test.
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start in ${timeoutMs} ms:\n${out}\n${err}`));
    }, timeoutMs);
    const check = () => {
      const m = /LowRouter is up: (http:\/\/[^\s/]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before it was up:\n${out}\n${err}`));
    });
  });
  return { url, child, stdout: () => out, stderr: () => err, exited };
}
