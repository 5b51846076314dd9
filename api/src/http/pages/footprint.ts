/**
 * GET /footprint: the instance's footprint, public. Totals over every organisation — requests, output
 * tokens, energy (Wh) and carbon (gCO2e) — by day, provider, region and model, from the daily rollup
 * (usage_daily), never from request rows: no organisation, key, policy or prompt is selected, so none
 * can be shown. Off (404) with LOWROUTER_PUBLIC_FOOTPRINT=false.
 *
 * The page is unauthenticated, so its cost is bounded: the aggregate is a fixed set of five grouped
 * queries over at most `DAYS` days of rollups plus one all-time total, computed at most once per
 * `ttlMs` (concurrent requests share the computation in flight) whatever the traffic, and breakdowns
 * are cut to the top `TOP` rows. Query strings are ignored.
 */
import { METHODOLOGY } from '@lowrouter/shared';
import { desc, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { usageDaily } from '../../db/schema';
import { type MinMax, int, mid, range, sig } from '../../../../web/src/format';
import { type Raw, cards, html, renderPage } from './layout';
import { barsSvg, dayBarsSvg } from './svg-charts';

/** Days the by-day chart and the breakdowns cover (UTC days, today included). */
export const DAYS = 30;
/** Rows kept per breakdown; the rest is summed as "Other". */
export const TOP = 12;

export interface Totals {
  requests: number;
  errors: number;
  outputTokens: number;
  energyWh: MinMax;
  gco2e: MinMax;
}

export interface Slice extends Totals {
  /** Catalog id ('' when none: a request refused before routing). */
  key: string;
}

export interface FootprintData {
  /** When the aggregate was computed (ISO, UTC). */
  asOf: string;
  /** First day of the window (YYYY-MM-DD, UTC). */
  since: string;
  allTime: Totals;
  window: Totals;
  /** Every day of the window, oldest first, zeros included. */
  byDay: (Totals & { day: string })[];
  byProvider: Slice[];
  byRegion: Slice[];
  byModel: Slice[];
}

const sums = {
  requests: sql<number>`coalesce(sum(${usageDaily.requests}), 0)::float8`,
  errors: sql<number>`coalesce(sum(${usageDaily.errors}), 0)::float8`,
  outputTokens: sql<number>`coalesce(sum(${usageDaily.outputTokens}), 0)::float8`,
  whMin: sql<number>`coalesce(sum(${usageDaily.energyWhMin}), 0)::float8`,
  whMax: sql<number>`coalesce(sum(${usageDaily.energyWhMax}), 0)::float8`,
  gMin: sql<number>`coalesce(sum(${usageDaily.gco2eMin}), 0)::float8`,
  gMax: sql<number>`coalesce(sum(${usageDaily.gco2eMax}), 0)::float8`,
};
type SumRow = { [K in keyof typeof sums]: number };
const totals = (r: SumRow | undefined): Totals => ({
  requests: Number(r?.requests ?? 0),
  errors: Number(r?.errors ?? 0),
  outputTokens: Number(r?.outputTokens ?? 0),
  energyWh: { min: Number(r?.whMin ?? 0), max: Number(r?.whMax ?? 0) },
  gco2e: { min: Number(r?.gMin ?? 0), max: Number(r?.gMax ?? 0) },
});

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Sums the rows past the first `TOP` into one "Other" slice (key '*'). */
function top(rows: Slice[]): Slice[] {
  if (rows.length <= TOP) return rows;
  const rest = rows.slice(TOP - 1);
  const add = (k: 'energyWh' | 'gco2e') => ({
    min: rest.reduce((s, r) => s + r[k].min, 0),
    max: rest.reduce((s, r) => s + r[k].max, 0),
  });
  return [
    ...rows.slice(0, TOP - 1),
    {
      key: '*',
      requests: rest.reduce((s, r) => s + r.requests, 0),
      errors: rest.reduce((s, r) => s + r.errors, 0),
      outputTokens: rest.reduce((s, r) => s + r.outputTokens, 0),
      energyWh: add('energyWh'),
      gco2e: add('gco2e'),
    },
  ];
}

/** The aggregate, from the rollup only. Five grouped queries over the window and one all-time sum. */
export async function loadFootprint(db: Db, now: number = Date.now()): Promise<FootprintData> {
  const since = isoDay(now - (DAYS - 1) * 86_400_000);
  const inWindow = gte(usageDaily.day, since);
  const byGroup = (
    col: typeof usageDaily.providerId | typeof usageDaily.regionId | typeof usageDaily.modelId,
  ) =>
    db
      .select({ key: col, ...sums })
      .from(usageDaily)
      .where(inWindow)
      .groupBy(col)
      .orderBy(desc(sums.gMax), col);
  const [allTime, window, days, providers, regions, models] = await Promise.all([
    db.select(sums).from(usageDaily),
    db.select(sums).from(usageDaily).where(inWindow),
    db
      .select({ day: usageDaily.day, ...sums })
      .from(usageDaily)
      .where(inWindow)
      .groupBy(usageDaily.day),
    byGroup(usageDaily.providerId),
    byGroup(usageDaily.regionId),
    byGroup(usageDaily.modelId),
  ]);
  const dayMap = new Map(days.map((d) => [String(d.day).slice(0, 10), totals(d)]));
  const byDay = Array.from({ length: DAYS }, (_, i) => {
    const day = isoDay(now - (DAYS - 1 - i) * 86_400_000);
    return { day, ...(dayMap.get(day) ?? totals(undefined)) };
  });
  const slices = (rows: (SumRow & { key: string })[]) => top(rows.map((r) => ({ key: r.key, ...totals(r) })));
  return {
    asOf: new Date(now).toISOString(),
    since,
    allTime: totals(allTime[0]),
    window: totals(window[0]),
    byDay,
    byProvider: slices(providers),
    byRegion: slices(regions),
    byModel: slices(models),
  };
}

export interface FootprintCache {
  get(): Promise<FootprintData>;
}

/**
 * The aggregate computed at most once per `ttlMs`; callers during a computation share it. A failed
 * computation is not kept (the next request tries again).
 */
export function createFootprintCache(
  load: () => Promise<FootprintData>,
  opts: { ttlMs?: number; now?: () => number } = {},
): FootprintCache {
  const ttl = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  let current: { at: number; value: Promise<FootprintData> } | undefined;
  return {
    get() {
      if (!current || now() - current.at >= ttl) {
        const value = load();
        const entry = { at: now(), value };
        current = entry;
        value.catch(() => {
          if (current === entry) current = undefined;
        });
      }
      return current.value;
    },
  };
}

/** Names for the ids of the breakdowns (catalog names); an id the catalog lost is shown as is. */
export interface FootprintNames {
  provider: (id: string) => string;
  region: (id: string) => string;
  model: (id: string) => string;
}

const limit = (id: string) => METHODOLOGY.limits.find((l) => l.id === id)?.text ?? '';

function totalsList(t: Totals): Raw {
  return html`<dl class="figures">
<dt>Requests</dt><dd>${int(t.requests)}</dd>
<dt>Output tokens</dt><dd>${int(t.outputTokens)}</dd>
<dt>Energy</dt><dd>${range(t.energyWh)} Wh</dd>
<dt>Carbon</dt><dd>${range(t.gco2e)} gCO2e</dd>
</dl>`;
}

function breakdown(
  id: string,
  title: string,
  what: string,
  rows: Slice[],
  name: (key: string) => string,
  limits: Raw,
): Raw {
  const label = (s: Slice) =>
    s.key === '*' ? 'Other' : s.key === '' ? 'None (refused before routing)' : name(s.key);
  return html`<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2>
<div class="chart-pair"><figure class="chart-figure"><div class="chart-scroll">${barsSvg(
    rows.map((s) => ({ label: label(s), value: mid(s.gco2e), span: s.gco2e })),
    {
      title: `gCO2e by ${what}, last ${DAYS} days`,
      description: `Bars: central estimate of gCO2e by ${what}, all organisations together; the line spans the low and high estimate.`,
      unit: 'gCO2e',
    },
  )}</div><figcaption>gCO2e by ${what}, last ${DAYS} days. Bar: central estimate; line: low to high.</figcaption></figure>
<aside class="limits"><h3>Limits of this estimate</h3>${limits}</aside></div>
${cards(
  [
    [what[0]!.toUpperCase() + what.slice(1)],
    ['Requests', 'num'],
    ['Output tokens', 'num'],
    ['Energy, Wh', 'num'],
    ['gCO2e', 'num'],
  ],
  rows.map((s) => [label(s), int(s.requests), int(s.outputTokens), range(s.energyWh), range(s.gco2e)]),
)}
</section>`;
}

/** The page: totals, then the charts, each with the limits that matter for it beside it. */
export function renderFootprintPage(
  d: FootprintData,
  names: FootprintNames,
  stylesheets: readonly string[],
): string {
  const empty = d.allTime.requests === 0;
  const main = html`<h1>The footprint of this instance</h1>
<p>Everything this LowRouter instance has served, every organisation together: requests, energy and an estimate of the carbon of inference. No organisation, key or prompt is shown or used here, only sums by day, provider, region and model. Figures as of <time datetime="${d.asOf}">${d.asOf.slice(0, 16).replace('T', ' ')} UTC</time>, refreshed at most once a minute.</p>
${empty ? html`<p class="banner">No request has been served yet: the charts fill in as traffic arrives.</p>` : ''}
<section id="totals" aria-labelledby="totals-h"><h2 id="totals-h">Totals</h2>
<div class="totals-pair"><div><h3>All time</h3>${totalsList(d.allTime)}</div><div><h3>Last ${DAYS} days</h3>${totalsList(d.window)}</div></div>
<p class="note">Ranges are low–high estimates (model sizes and data-centre PUE are uncertain); they are summed as ranges, not averaged. ${limit('inference-only')}</p>
</section>
<section id="by-day" aria-labelledby="by-day-h"><h2 id="by-day-h">By day</h2>
<div class="chart-pair"><figure class="chart-figure"><div class="chart-scroll">${dayBarsSvg(
    d.byDay.map((x) => ({ day: x.day, value: mid(x.gco2e), span: x.gco2e })),
    {
      title: `gCO2e per UTC day, ${d.since} to ${d.byDay.at(-1)?.day ?? ''}`,
      description:
        'One bar per UTC day: central estimate of gCO2e, all organisations together; the line spans the low and high estimate.',
      unit: 'gCO2e',
      format: (v) => sig(v),
    },
  )}</div><figcaption>gCO2e per UTC day, last ${DAYS} days. Requests per day: ${d.byDay.map((x) => x.requests).reduce((a, b) => a + b, 0) ? `up to ${int(Math.max(...d.byDay.map((x) => x.requests)))}` : 'none yet'}.</figcaption></figure>
<aside class="limits"><h3>Limits of this estimate</h3><p>${limit('inference-only')}</p><p>${limit('embodied-apart')}</p></aside></div>
</section>
${breakdown('by-provider', 'By provider', 'provider', d.byProvider, names.provider, html`<p>Data-centre PUE is each provider's published fleet figure, not the site's of the day.</p><p>${limit('reference-hardware')}</p>`)}
${breakdown('by-region', 'By region', 'region', d.byRegion, names.region, html`<p>${limit('annual-grid')}</p>`)}
${breakdown('by-model', 'By model', 'model', d.byModel, names.model, html`<p>Closed models do not publish their size: their parameters are estimates, so their figures are wider ranges.</p><p>${limit('extrapolation')}</p>`)}
<p>How every figure is computed, and what is not measured: the <a href="/methodology">methodology</a>. Per-model figures before you send a request: the <a href="/">model browser</a>.</p>`;
  return renderPage({
    title: 'Footprint of this instance',
    description:
      'Requests, energy and estimated gCO2e served by this LowRouter instance, by day, provider, region and model, across all organisations.',
    stylesheets,
    current: '/footprint',
    main,
  });
}
