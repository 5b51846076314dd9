/**
 * Figures measured on a real machine and committed as JSON, which docs pages render (never typed into
 * prose): `pnpm bench nodes --write` writes measured/scale-out.json. Imported, so the build bundles it
 * and a new measurement makes api/dist stale like any other source.
 */
import scaleOutJson from './measured/scale-out.json' with { type: 'json' };

/** One concurrency level of a closed-loop run over every node (requests round-robin). */
export interface NodesLevel {
  concurrency: number;
  /** Measured wall time (s). */
  seconds: number;
  /** 200 answers per second over all nodes. */
  rps: number;
  /** Latency of the 200 answers (ms); null when there was none. */
  p50Ms: number | null;
  p99Ms: number | null;
  /** Non-200 answers by status and error code, e.g. `503 overloaded×4 (shed)`, or `none`. */
  errors: string;
  /** Peak RSS of each node during the level (MB). */
  peakRssMbPerNode: (number | null)[];
}

/** `recordBatch` (the group-commit writer) back to back against PostgreSQL. */
export interface RecordWrite {
  /** Rows per batch (one statement, one commit). */
  batch: number;
  /** Concurrent writers (a node has one group-commit writer). */
  writers: number;
  /** Organisations the writers' rows belong to (each batch debits one organisation's balance row). */
  organizations: number;
  seconds: number;
  rowsPerSec: number;
  commitsPerSec: number;
  /** WAL written per request row, all tables and indexes included (bytes). */
  walBytesPerRow: number;
}

export interface ScaleOutMeasured {
  /** When it ran (ISO 8601, UTC). */
  date: string;
  command: string;
  machine: { cores: number; cpu: string; memoryGiB: number; node: string; loadAverage: number[] };
  /** Which process ran on which CPU. */
  pinning: string;
  /** Length of each concurrency level (s). */
  levelSeconds: number;
  /** 1, 2 and 3 gateway processes over one database. */
  nodes: { nodes: number; connections: number; levels: NodesLevel[] }[];
  writes: RecordWrite[];
  postgres: { version: string; maxConnections: number; synchronousCommit: string };
}

/** The last committed measurement of `pnpm bench nodes`. */
export const scaleOutMeasured = scaleOutJson as ScaleOutMeasured;
