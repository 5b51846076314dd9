/**
 * `pnpm demo`: a living LowRouter without a single provider key. Starts the gateway in demo mode with every
 * provider pointed at loopback fake upstreams, grants credit, prints the URL and a fresh admin key, then
 * sends a request every second or two through the `openai` SDK until Ctrl-C, which stops everything and
 * deletes the demo's database. PORT (default 8080, else any free port) and HOST (default 127.0.0.1) apply.
 */
import { createServer } from 'node:net';
import { ensureWebAssets } from '@lowrouter/api/http/static';
import { createLogger } from '@lowrouter/api/log';
import { type Outcome, pause, startDemo } from './demo';

/** `port` when it is free on `host`, else 0 (any free port). */
function freePort(port: number, host: string): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, host, () => probe.close(() => resolve(port)));
  });
}

function line(o: Outcome): string {
  const time = new Date().toISOString().slice(11, 19);
  if (!o.ok) return `${time}  ✗ ${o.model.padEnd(28)} ${o.status ?? ''} ${o.error ?? ''}  [${o.step}]`;
  const r = o.route;
  const where = r ? `${r.model} @ ${r.region}${r.fallbackUsed ? ' (fallback)' : ''}` : '?';
  const carbon = o.gco2e ? `${o.gco2e.max.toPrecision(2)} gCO2e max` : '';
  const cost = o.costUsd !== undefined ? `$${o.costUsd}` : '';
  return `${time}  ✓ ${o.model.padEnd(28)} → ${where}  ${cost}  ${carbon}  [${o.step}]`;
}

async function main(): Promise<number> {
  const stop = new AbortController();
  let first = 0;
  const onSignal = () => {
    // A terminal's Ctrl-C reaches pnpm, tsx and this process at once (tsx may relay it too): signals
    // within a second are one. A second Ctrl-C after that forces the exit.
    if (first && Date.now() - first > 1_000) process.exit(130);
    if (first) return;
    first = Date.now();
    process.stdout.write('\nStopping the demo… (Ctrl-C again to force)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const log = createLogger('warn');
  await ensureWebAssets({ log });
  if (stop.signal.aborted) return 0;
  const host = process.env.HOST ?? '127.0.0.1';
  const wanted = Number(process.env.PORT ?? 8080);
  const demo = await startDemo({ host, port: await freePort(wanted, host) });
  const base = demo.url.replace('localhost', host === '0.0.0.0' ? 'localhost' : host);
  process.stdout.write(
    [
      '',
      `LowRouter demo is up: ${base}/`,
      '',
      `  Dashboard  ${base}/dashboard   Settings  ${base}/settings`,
      `  Admin key  ${demo.adminKey}`,
      '             (instance admin of this demo only; paste it to sign in)',
      '',
      '  Every provider points at a fake upstream on loopback: no provider is called, no key is needed,',
      '  and the pages say "demo data". The database is temporary and is deleted when the demo stops.',
      '  A request goes out every second or two. Ctrl-C stops.',
      '',
      '',
    ].join('\n'),
  );

  while (!stop.signal.aborted) {
    try {
      process.stdout.write(`${line(await demo.step(stop.signal))}\n`);
    } catch (err) {
      if (!stop.signal.aborted) process.stdout.write(`  demo request failed: ${String(err)}\n`);
    }
    await pause(700 + Math.random() * 1300, stop.signal);
  }
  await demo.close();
  process.stdout.write('Demo stopped.\n');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
