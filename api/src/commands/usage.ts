/**
 * `lowrouter usage`: requests, tokens, cost, energy and carbon per UTC day or per model over a range
 * of days, with a total: the `usage` query (the daily rollup, analytics/usage-query.ts).
 */
import { DEFAULT_ORG_ID } from '../auth/bootstrap';
import { UsageError, parseCommandArgs } from './args';
import { openOperator } from './operator';
import { formatTable, formatUsd } from './table';

interface Range {
  min: number;
  max: number;
}
interface Bucket {
  day: string | null;
  model: string | null;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  energyWh: Range;
  gco2e: Range;
}

const DAY_MS = 86_400_000;

function parseDay(text: string, flag: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text)
    throw new UsageError(`${flag} takes a UTC day as YYYY-MM-DD, got ${text}`);
  return ms;
}

/** Three significant figures, no exponent: 1234 → "1234", 0.012345 → "0.0123". */
function figure(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  return String(Number(v.toPrecision(3)));
}
const range = (r: Range) => (r.min === r.max ? figure(r.min) : `${figure(r.min)}-${figure(r.max)}`);

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    org: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    by: { type: 'string' },
    json: { type: 'boolean' },
  });
  const by = values.by ?? 'day';
  if (by !== 'day' && by !== 'model') throw new UsageError(`--by takes day or model, got ${by}`);
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const to = values.to === undefined ? today : parseDay(values.to, '--to');
  const from = values.from === undefined ? to - 29 * DAY_MS : parseDay(values.from, '--from');
  if (from > to) throw new UsageError('--from must be on or before --to (both days are included)');
  const orgId = values.org?.trim() || DEFAULT_ORG_ID;
  const op = await openOperator('usage');
  let buckets: Bucket[];
  try {
    ({ usage: buckets } = await op.graphql<{ usage: Bucket[] }>(
      `query ($filter: UsageFilter, $groupBy: [UsageGroupBy!]) { usage(filter: $filter, groupBy: $groupBy) {
        day model requests errors inputTokens outputTokens costUsd energyWh { min max } gco2e { min max } } }`,
      {
        filter: { orgId, from: new Date(from).toISOString(), to: new Date(to + DAY_MS).toISOString() },
        groupBy: [by.toUpperCase()],
      },
    ));
  } finally {
    await op.close();
  }
  const period = `${new Date(from).toISOString().slice(0, 10)} to ${new Date(to).toISOString().slice(0, 10)} (UTC, inclusive)`;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ orgId, from: period, by, buckets }, null, 2)}\n`);
    return 0;
  }
  const sorted =
    by === 'day'
      ? [...buckets].sort((a, b) => (a.day ?? '').localeCompare(b.day ?? ''))
      : [...buckets].sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
  const total = sorted.reduce(
    (t, b) => ({
      requests: t.requests + b.requests,
      errors: t.errors + b.errors,
      inputTokens: t.inputTokens + b.inputTokens,
      outputTokens: t.outputTokens + b.outputTokens,
      costMicro: t.costMicro + Math.round(b.costUsd * 1e6),
      energyWh: { min: t.energyWh.min + b.energyWh.min, max: t.energyWh.max + b.energyWh.max },
      gco2e: { min: t.gco2e.min + b.gco2e.min, max: t.gco2e.max + b.gco2e.max },
    }),
    {
      requests: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      costMicro: 0,
      energyWh: { min: 0, max: 0 },
      gco2e: { min: 0, max: 0 },
    },
  );
  const row = (label: string, b: Omit<Bucket, 'day' | 'model' | 'costUsd'> & { costUsd: number }) => [
    label,
    String(b.requests),
    String(b.errors),
    String(b.inputTokens),
    String(b.outputTokens),
    formatUsd(b.costUsd),
    range(b.energyWh),
    range(b.gco2e),
  ];
  const rows = sorted.map((b) => row((by === 'day' ? b.day : b.model) ?? '(none)', b));
  rows.push(row('TOTAL', { ...total, costUsd: total.costMicro / 1e6 }));
  process.stdout.write(
    `Usage of ${orgId}, ${period}, by ${by}:\n` +
      formatTable(
        [
          by === 'day' ? 'DAY' : 'MODEL',
          'REQUESTS',
          'ERRORS',
          'INPUT TOKENS',
          'OUTPUT TOKENS',
          'COST USD',
          'ENERGY Wh',
          'gCO2e',
        ],
        rows,
        [false, true, true, true, true, true, true, true],
      ) +
      'Energy and gCO2e (usage phase) are estimates, shown min-max.\n',
  );
  return 0;
}
