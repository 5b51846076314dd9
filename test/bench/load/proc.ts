/**
 * Process plumbing for `pnpm bench load`: CPU pinning with taskset, child processes in their own
 * process group (so a kill reaches every descendant), RSS from /proc, free ports. Every child started
 * here is remembered and SIGKILLed on exit, so a crashed or interrupted bench leaves nothing behind.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { ROOT } from '../../helpers/spawn-gateway';

/** True when `taskset` runs here and the machine has at least two CPUs to split. */
export const CAN_PIN = cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;

/** CPU of the load generator and the fake upstream; the gateway under test gets the other one. */
export const LOAD_CPU = 0;
export const GATEWAY_CPU = 1;

/** Pins this process (every thread) to `cpu`; false when it could not. */
export function pinSelf(cpu: number): boolean {
  if (!CAN_PIN) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)]).status === 0;
}

export interface Child {
  child: ChildProcess;
  /** The pid of the program itself (taskset execs it, so the same pid). */
  pid: number;
  out: () => string;
  err: () => string;
  exited: Promise<number | string>;
}

const live = new Set<ChildProcess>();
const killAllNow = () => {
  for (const c of live) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};
const onInterrupt = new Set<() => Promise<void>>();
/** Runs `fn` (e.g. dropping a database) if the bench is interrupted; the returned function forgets it. */
export function cleanupOnInterrupt(fn: () => Promise<void>): () => void {
  onInterrupt.add(fn);
  return () => onInterrupt.delete(fn);
}
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllNow();
    const deadline = new Promise((r) => setTimeout(r, 10_000).unref());
    void Promise.race([Promise.allSettled([...onInterrupt].map((fn) => fn())), deadline]).then(() =>
      process.exit(130),
    );
  });
}

/** Keeps the last `max` characters of a stream (enough to explain a failure, never a flood). */
function tail(max: number) {
  let text = '';
  return {
    add: (d: Buffer | string) => {
      text += d;
      if (text.length > 2 * max) text = text.slice(-max);
    },
    get: () => text.slice(-max),
  };
}

/** Starts `command args` pinned to `cpu` (when pinning is possible) as the leader of a new process group. */
export function spawnPinned(
  cpu: number | null,
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv },
): Child {
  const pinned = cpu !== null && CAN_PIN;
  const child = spawn(pinned ? 'taskset' : command, pinned ? ['-c', String(cpu), command, ...args] : args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const out = tail(64 * 1024);
  const err = tail(64 * 1024);
  child.stdout!.on('data', out.add);
  child.stderr!.on('data', err.add);
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? -1);
    }),
  );
  return { child, pid: child.pid!, out: out.get, err: err.get, exited };
}

/** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the leader is gone. */
export async function stopGroup(c: Child, graceMs = 10_000): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(-c.pid, signal);
    } catch {
      // already gone
    }
  };
  send('SIGTERM');
  const timer = setTimeout(() => send('SIGKILL'), graceMs);
  await c.exited;
  clearTimeout(timer);
  send('SIGKILL'); // descendants the leader left behind
}

/** Resolves with the first stdout match of `re`, or rejects when the child exits or time runs out. */
export function waitForOutput(c: Child, re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${re} within ${timeoutMs} ms:\n${c.out()}\n${c.err()}`)),
      timeoutMs,
    );
    const check = () => {
      const m = re.exec(c.out());
      if (m) {
        clearTimeout(timer);
        c.child.stdout!.off('data', check);
        resolve(m);
      }
    };
    c.child.stdout!.on('data', check);
    check();
    void c.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${re}:\n${c.out()}\n${c.err()}`));
    });
  });
}

/** A `Vm*` line of /proc/<pid>/status in bytes (VmRSS now, VmHWM the peak), or null when unreadable. */
export function procMemory(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Resets the peak RSS (VmHWM) of `pid` (Linux `clear_refs` 5); false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `everyMs`; `stop()` returns the peak in bytes (the kernel's VmHWM when it was reset). */
export function sampleRss(pid: number, everyMs = 200): { stop: () => number | null } {
  const hwm = resetPeakRss(pid);
  let peak = procMemory(pid, 'VmRSS') ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, procMemory(pid, 'VmRSS') ?? 0);
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const kernel = hwm ? procMemory(pid, 'VmHWM') : null;
      const best = Math.max(peak, kernel ?? 0);
      return best > 0 ? best : null;
    },
  };
}

/**
 * CPU time of `pid` in ms, every thread: the scheduler's own run time (/proc/<pid>/task/<tid>/schedstat,
 * nanoseconds), not utime/stime, which a tick-accounting kernel charges by sampling at each tick and so
 * overstates for a process that wakes often and briefly (measured here: 2.5× at concurrency 1).
 * Threads that ended between two readings are missed; null when unreadable.
 */
export function cpuMs(pid: number): number | null {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended
      }
    }
    return ns / 1e6;
  } catch {
    return null;
  }
}

/** CPU time in ms of every process whose command is `comm` (e.g. every PostgreSQL backend), summed. */
export function commCpuMs(comm: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue;
    }
    total += cpuMs(Number(pid)) ?? 0;
  }
  return total;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * The zero-latency fake OpenAI upstream (fake-upstream-main.ts) as a process of its own on LOAD_CPU,
 * beside the load generator. `stop` ends it; it is also ended if it never says where it listens.
 */
export async function startBenchUpstream(): Promise<{
  baseUrl: string;
  pid: number;
  stop: () => Promise<void>;
}> {
  const fake = spawnPinned(
    LOAD_CPU,
    process.execPath,
    ['--import', 'tsx', 'test/bench/load/fake-upstream-main.ts'],
    {
      cwd: ROOT,
      env: process.env,
    },
  );
  try {
    const [, baseUrl] = await waitForOutput(fake, /FAKE_UPSTREAM (\S+)/, 60_000);
    return { baseUrl: baseUrl!, pid: fake.pid, stop: () => stopGroup(fake) };
  } catch (err) {
    await stopGroup(fake);
    throw err;
  }
}
