/**
 * One process per embedded (PGlite) data directory. PGlite is a single-process database: two
 * processes on one directory each keep their own copy in memory and overwrite each other's files.
 *
 * The mechanism is an exclusive lock the kernel holds for us, so it cannot go stale after kill -9:
 * the owner LISTENS on a local socket whose name is derived from the directory's real path.
 * - Linux: a socket in the abstract namespace (`\0lowrouter-data-<hash>`). No file exists; the kernel
 *   frees the name the moment the process dies, however it dies, and a second bind fails with
 *   EADDRINUSE atomically. (Scope: one network namespace, i.e. processes of one container/host.)
 * - Windows: a named pipe (`\\.\pipe\lowrouter-data-<hash>`), which has the same properties.
 * - Other systems (macOS): a socket file in the temporary directory. A file left by a killed owner
 *   refuses connections (ECONNREFUSED), which proves it stale; it is then removed and bound again.
 *
 * The socket also says who owns the directory: every connection gets one JSON line (pid, command,
 * URL once listening), so the refusal names the running process and its address, and the operator
 * CLI can reach that gateway's API instead of opening the files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What the owner of a data directory says about itself. */
export interface DataDirOwner {
  pid: number;
  /** `lowrouter start`, `lowrouter migrate`, … (the process's own command line, shortened). */
  command: string;
  startedAt: string;
  /** The gateway's public URL, once it listens. */
  url?: string;
  /** Where a local client reaches its API (loopback for a wildcard bind). */
  apiUrl?: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: DataDirOwner,
  ) {
    super(
      `the data directory ${dir} is in use by ${describeOwner(owner)}; one process owns an embedded ` +
        `data directory. Stop that process first (Ctrl-C, or kill ${owner.pid || '<pid>'}) and run this again; ` +
        'or point LOWROUTER_DATA_DIR at another directory; or set DATABASE_URL to a PostgreSQL database, ' +
        'which many gateways share.',
    );
  }
}

/** "process 1234 (lowrouter start, serving http://localhost:8080)". */
export function describeOwner(owner: DataDirOwner): string {
  const what = owner.url ? `${owner.command}, serving ${owner.url}` : owner.command;
  return `process ${owner.pid} (${what})`;
}

export interface DataDirLock {
  /** The absolute data directory. */
  dir: string;
  /** Publishes the gateway's address to whoever asks who owns the directory. */
  announce(info: { url: string; apiUrl: string }): void;
  release(): Promise<void>;
}

/** The absolute directory, following symlinks where it exists, so two spellings get one lock. */
function canonical(dir: string): string {
  const abs = resolve(dir);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

function socketPath(dir: string): string {
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 32);
  if (process.platform === 'linux') return `\0lowrouter-data-${hash}`;
  if (process.platform === 'win32') return `\\\\.\\pipe\\lowrouter-data-${hash}`;
  return join(tmpdir(), `lowrouter-data-${hash}.sock`);
}

function commandLine(): string {
  const script = process.argv[1] ?? '';
  if (!/(cli\.[tj]s|run\.mjs)$/.test(script)) return `node ${script}`.trim();
  const words = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  return ['lowrouter', ...words.slice(0, 2)].join(' ');
}

/** Asks the socket at `path` who owns it; null when nobody listens (free or stale). */
function ask(path: string, timeoutMs = 2_000): Promise<DataDirOwner | null> {
  return new Promise((done) => {
    let text = '';
    let settled = false;
    const finish = (owner: DataDirOwner | null, socket?: Socket) => {
      if (settled) return;
      settled = true;
      socket?.destroy();
      done(owner);
    };
    const socket = connect(path);
    socket.setEncoding('utf8');
    const timer = setTimeout(() => finish(parseOwner(text), socket), timeoutMs);
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        finish(parseOwner(text), socket);
      }
    });
    socket.on('end', () => {
      clearTimeout(timer);
      finish(parseOwner(text), socket);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // Someone listens but answered badly: still an owner, of unknown identity.
      finish(err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? null : unknownOwner(), socket);
    });
  });
}

const unknownOwner = (): DataDirOwner => ({ pid: 0, command: 'another process', startedAt: '' });

function parseOwner(text: string): DataDirOwner {
  try {
    const v = JSON.parse(text.split('\n')[0] ?? '') as DataDirOwner;
    if (typeof v.pid === 'number' && typeof v.command === 'string') return v;
  } catch {}
  return unknownOwner();
}

/** Who owns `dir` now, or null when no process does. Takes nothing. */
export async function dataDirOwner(dir: string): Promise<DataDirOwner | null> {
  return ask(socketPath(canonical(dir)));
}

function listen(server: Server, path: string): Promise<'ok' | 'busy'> {
  return new Promise((ok, fail) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') ok('busy');
      else fail(err);
    };
    const onListening = () => {
      server.off('error', onError);
      ok('ok');
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(path);
  });
}

/**
 * Takes `dir` for this process (creating the directory), or throws DataDirInUseError naming its
 * owner. Released by `release()` or, whatever happens, by the process's death.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  mkdirSync(resolve(dir), { recursive: true });
  const abs = canonical(dir);
  const path = socketPath(abs);
  const info: DataDirOwner = {
    pid: process.pid,
    command: commandLine(),
    startedAt: new Date().toISOString(),
  };
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.end(`${JSON.stringify(info)}\n`);
  });
  // The lock must never keep a process alive that has nothing else to do.
  server.unref();
  for (let attempt = 0; ; attempt++) {
    if ((await listen(server, path)) === 'ok') break;
    const owner = await ask(path);
    if (owner) throw new DataDirInUseError(abs, owner);
    // A socket file nobody listens on (only where the name is a file): left by a killed owner.
    if (attempt > 0 || process.platform === 'linux' || process.platform === 'win32')
      throw new DataDirInUseError(abs, unknownOwner());
    try {
      unlinkSync(path);
    } catch {}
  }
  let released: Promise<void> | undefined;
  return {
    dir: abs,
    announce({ url, apiUrl }) {
      info.url = url;
      info.apiUrl = apiUrl;
    },
    release() {
      released ??= new Promise<void>((done) => server.close(() => done()));
      return released;
    },
  };
}
