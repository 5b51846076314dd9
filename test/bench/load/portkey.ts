/**
 * The Portkey AI gateway as the peer of `pnpm bench load`: installed from npm into a folder under the
 * OS temp dir keyed by version (kept, so the next run starts at once), started as its own process
 * pinned to the gateway's CPU, and pointed at the fake upstream per request with its custom-host header.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayUnderTest } from './lowrouter';
import { freePort, GATEWAY_CPU, spawnPinned, stopGroup } from './proc';

export const PORTKEY_VERSION = '1.15.2';
/** Pinned through npm `overrides`, so every run measures Portkey on the same Node server adapter. */
const HONO_NODE_SERVER = '1.13.8';

/** The installed package folder, installing it first when the cache lacks it. */
export function ensurePortkey(log: (line: string) => void): string {
  const dir = join(tmpdir(), `lowrouter-bench-portkey-${PORTKEY_VERSION}`);
  const pkg = join(dir, 'node_modules', '@portkey-ai', 'gateway');
  const installed = () => {
    try {
      return JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version === PORTKEY_VERSION;
    } catch {
      return false;
    }
  };
  if (installed()) return pkg;
  log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir} (once)`);
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeFileSync(
    join(partial, 'package.json'),
    JSON.stringify({
      name: 'lowrouter-bench-portkey',
      private: true,
      dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION },
      overrides: { '@hono/node-server': HONO_NODE_SERVER },
    }),
  );
  // --ignore-scripts: no postinstall (patch-package) and nothing that could fetch a binary or browser.
  const npm = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    {
      cwd: partial,
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  if (npm.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`npm install @portkey-ai/gateway failed: ${npm.stderr || npm.error}`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  if (!installed()) throw new Error(`@portkey-ai/gateway@${PORTKEY_VERSION} is not in ${dir} after install`);
  return pkg;
}

export async function startPortkey(
  fakeBaseUrl: string,
  log: (line: string) => void,
): Promise<GatewayUnderTest> {
  const pkg = ensurePortkey(log);
  const bin = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).bin as string;
  const entry = join(pkg, typeof bin === 'string' ? bin : 'build/start-server.js');
  if (!existsSync(entry)) throw new Error(`no Portkey entry at ${entry}`);
  const port = await freePort();
  // --headless: no log console UI; it takes the port only as --port=N.
  const proc = spawnPinned(GATEWAY_CPU, process.execPath, [entry, `--port=${port}`, '--headless'], {
    cwd: pkg,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await fetch(`${origin}/`).catch(() => null);
      if (res) {
        await res.arrayBuffer();
        break;
      }
      if (proc.child.exitCode !== null) throw new Error(`Portkey exited:\n${proc.out()}\n${proc.err()}`);
      if (Date.now() > deadline)
        throw new Error(`Portkey did not listen in 60 s:\n${proc.out()}\n${proc.err()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stopGroup(proc);
    throw err;
  }
  return {
    name: `Portkey ${PORTKEY_VERSION}`,
    target: {
      origin,
      path: '/v1/chat/completions',
      headers: {
        authorization: 'Bearer sk-test-openai-0123456789abcdef',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': fakeBaseUrl,
      },
    },
    pid: proc.pid,
    proc,
    stop: () => stopGroup(proc),
  };
}
