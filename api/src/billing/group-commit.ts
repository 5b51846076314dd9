/**
 * Group commit for the durable record. Requests that finish while a flush is in progress join the next
 * flush: one statement per batch (record.ts: rows, ledger, balances via the trigger, releases, lease
 * shrinks, rollups summed per key), so N finished requests cost one commit, not N. Each caller's
 * promise resolves when ITS batch has committed, so no answer completes before its record is durable.
 *
 * No timer: the first request finds no flush running and is written at once (at concurrency 1 this is
 * exactly one statement per request); only requests that would otherwise queue behind a commit are
 * batched. A failed batch is retried row by row, so one bad row fails alone: its caller gets the
 * error, it is logged, and its batch-mates commit.
 */
import type { Logger } from '../log';

export interface GroupCommit<T> {
  /** Queues one item; resolves when the batch holding it has committed, rejects if it failed alone. */
  submit(item: T): Promise<void>;
  /** Resolves when everything submitted so far is written (or has failed). */
  drain(): Promise<void>;
  /** Batches written and items in them (for tests and benchmarks: rows per commit). */
  readonly stats: { batches: number; items: number; retriedBatches: number; failedItems: number };
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function createGroupCommit<T>(opts: {
  /** Writes a batch atomically (one statement or one transaction). */
  write: (items: T[]) => Promise<void>;
  /** Most items per batch (statement size and lock time stay bounded). */
  maxBatch?: number;
  log?: Logger;
  /** How a failed item is named in the log (never its content). */
  describe?: (item: T) => Record<string, unknown>;
}): GroupCommit<T> {
  const maxBatch = opts.maxBatch ?? 256;
  const queue: Pending<T>[] = [];
  const stats = { batches: 0, items: 0, retriedBatches: 0, failedItems: 0 };
  let running: Promise<void> | undefined;

  const writeOne = async (p: Pending<T>) => {
    try {
      await opts.write([p.item]);
      stats.batches++;
      stats.items++;
      p.resolve();
    } catch (err) {
      stats.failedItems++;
      opts.log?.error('recording a request failed', { ...opts.describe?.(p.item), error: String(err) });
      p.reject(err);
    }
  };

  const flush = async (batch: Pending<T>[]) => {
    if (batch.length === 1) return writeOne(batch[0]!);
    try {
      await opts.write(batch.map((p) => p.item));
      stats.batches++;
      stats.items += batch.length;
      for (const p of batch) p.resolve();
    } catch (err) {
      // Nothing of the batch was written. Find the bad row(s) one at a time; the rest commit alone.
      stats.retriedBatches++;
      opts.log?.warn('a record batch failed; retrying its rows one by one', {
        rows: batch.length,
        error: String(err),
      });
      for (const p of batch) await writeOne(p);
    }
  };

  const run = async () => {
    while (queue.length) await flush(queue.splice(0, maxBatch));
    running = undefined;
  };

  return {
    stats,
    submit(item) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        running ??= run();
      });
    },
    async drain() {
      while (running) await running;
    },
  };
}
