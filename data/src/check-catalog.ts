/**
 * Cross-row checks the zod schemas cannot express: unique ids, references that resolve, id formats,
 * internal consistency of parameters, prices and dates, and the tier rule. Pure; returns problems.
 */
import type { Catalog } from '@lowrouter/shared/catalog';
import { expectedTier } from './tier';

function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}

/** True for a real calendar date written YYYY-MM-DD. */
function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Human-readable problems in `c`; an empty array means the catalog is consistent. */
export function checkCatalog(c: Catalog): string[] {
  const problems: string[] = [];
  const add = (msg: string) => problems.push(msg);

  for (const [kind, rows] of [
    ['provider', c.providers],
    ['region', c.regions],
    ['model', c.models],
    ['endpoint', c.endpoints],
  ] as const) {
    for (const id of duplicates(rows.map((r) => r.id))) add(`duplicate ${kind} id "${id}"`);
  }

  const providers = new Map(c.providers.map((p) => [p.id, p]));
  const regions = new Map(c.regions.map((r) => [r.id, r]));
  const models = new Map(c.models.map((m) => [m.id, m]));

  for (const p of c.providers) {
    if (!isCalendarDate(p.pueSource.date))
      add(`provider ${p.id}: pueSource.date "${p.pueSource.date}" is not a date`);
    if (p.pue.min < 1) add(`provider ${p.id}: PUE below 1 is impossible`);
    if (!c.regions.some((r) => r.providerId === p.id)) add(`provider ${p.id} has no region`);
  }

  const bases = new Set(c.regions.map((r) => r.gridIntensity.basis));
  if (bases.size > 1)
    add(`regions mix grid-intensity bases (${[...bases].join(', ')}); rankings would compare unlike figures`);

  for (const r of c.regions) {
    if (!providers.has(r.providerId)) add(`region ${r.id}: unknown provider "${r.providerId}"`);
    if (r.id !== `${r.providerId}:${r.providerRegionId}`) {
      add(`region ${r.id}: id must be "${r.providerId}:${r.providerRegionId}"`);
    }
    if (!isCalendarDate(r.source.date)) add(`region ${r.id}: source.date "${r.source.date}" is not a date`);
    if (r.pue && r.pue.min < 1) add(`region ${r.id}: PUE below 1 is impossible`);
    if (r.locationConfidence === 'assumed' && !r.locationNote)
      add(`region ${r.id}: assumed location needs a locationNote`);
  }

  const names = new Map<string, string>();
  for (const m of c.models) {
    if (!m.id.startsWith(`${m.vendor}/`)) add(`model ${m.id}: id must start with its vendor "${m.vendor}/"`);
    if (m.architecture === 'dense') {
      if (m.activeParamsB.min !== m.totalParamsB.min || m.activeParamsB.max !== m.totalParamsB.max) {
        add(`model ${m.id}: dense model with active params ≠ total params`);
      }
    } else if (m.activeParamsB.max > m.totalParamsB.min) {
      add(`model ${m.id}: MoE model with more active than total params`);
    }
    if (m.openWeights && m.paramsConfidence !== 'disclosed')
      add(`model ${m.id}: open-weights model should have disclosed params`);
    if (m.maxOutputTokens > m.contextWindow) add(`model ${m.id}: maxOutputTokens exceeds contextWindow`);
    if (!isCalendarDate(m.paramsSource.date))
      add(`model ${m.id}: paramsSource.date "${m.paramsSource.date}" is not a date`);
    for (const name of [m.id, ...m.aliases]) {
      const owner = names.get(name);
      if (owner && owner !== m.id) add(`model name "${name}" is used by both ${owner} and ${m.id}`);
      names.set(name, m.id);
    }
    if (!c.endpoints.some((e) => e.modelId === m.id)) add(`model ${m.id} has no endpoint`);
    const tier = expectedTier(m, c.endpoints, c.providers);
    if (m.tier !== tier) add(`model ${m.id}: tier is "${m.tier}" but the tier rule gives "${tier}"`);
  }

  for (const e of c.endpoints) {
    const region = regions.get(e.regionId);
    if (!models.has(e.modelId)) add(`endpoint ${e.id}: unknown model "${e.modelId}"`);
    if (!providers.has(e.providerId)) add(`endpoint ${e.id}: unknown provider "${e.providerId}"`);
    if (!region) add(`endpoint ${e.id}: unknown region "${e.regionId}"`);
    else if (region.providerId !== e.providerId) {
      add(
        `endpoint ${e.id}: provider "${e.providerId}" differs from its region's provider "${region.providerId}"`,
      );
    }
    if (e.id !== `${e.modelId}@${e.regionId}`)
      add(`endpoint ${e.id}: id must be "${e.modelId}@${e.regionId}"`);
    if (e.cachedInputPerMTokUsd !== undefined && e.cachedInputPerMTokUsd > e.inputPerMTokUsd) {
      add(`endpoint ${e.id}: cached input price above the input price`);
    }
    if (!isCalendarDate(e.price.date)) add(`endpoint ${e.id}: price.date "${e.price.date}" is not a date`);
  }

  return problems;
}
