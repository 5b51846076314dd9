/**
 * GET /v1/models and GET /v1/models/{id}: the catalog's models plus `lowrouter/auto`, in OpenAI's list
 * and model shapes, with prices and LowRouter's own fields. Ids contain `/` (openai/gpt-4o-mini): the
 * path after /v1/models/ is the id, raw or percent-encoded; an alias answers with the canonical model.
 */
import { ecoPer1kOutputTokens } from '@lowrouter/shared';
import { REFERENCE_OUTPUT_TOKENS } from '@lowrouter/shared';
import { ecoModel, rowPue } from '../eco/rows';
import { AUTO_MODEL } from '../routing/rank-types';
import type { EndpointInfo, RoutingTables } from '../routing/routing-tables';

/** µUSD per 1M tokens as an exact decimal string of USD: 150000 → "0.15". */
const usdString = (micro: number) => {
  const s = (micro / 1_000_000).toFixed(6);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};

const ECO_LABEL = `gCO2e per 1,000 output tokens, usage phase, computed for a reference request of ${REFERENCE_OUTPUT_TOKENS} output tokens and scaled: a comparison index, not the footprint of one request. Range over the endpoints priced here.`;

const AUTO_ENTRY = {
  id: AUTO_MODEL,
  object: 'model',
  created: 0,
  owned_by: 'lowrouter',
  tier: null,
  description: 'LowRouter picks the smallest model that can do the job',
  pricing: null,
};

function modelEntry(tables: RoutingTables, modelId: string, infos: EndpointInfo[]) {
  const m = tables.models.get(modelId)!;
  const usable = infos.filter((i) => i.candidate.hasCredentials);
  // Prices and eco of what this instance can serve; of the whole catalog when nothing is usable here.
  const priced = usable.length ? usable : infos;
  const cheapest = priced.reduce((a, b) =>
    b.endpoint.inputMicroPerMTok + b.endpoint.outputMicroPerMTok <
    a.endpoint.inputMicroPerMTok + a.endpoint.outputMicroPerMTok
      ? b
      : a,
  );
  const ecos = priced.map((i) =>
    ecoPer1kOutputTokens({
      model: ecoModel(i.model),
      pue: rowPue(i.provider, i.region),
      gridGco2ePerKwh: i.region.gridGco2ePerKwh,
    }),
  );
  return {
    id: m.id,
    object: 'model',
    created: 0,
    owned_by: m.vendor,
    tier: m.tier,
    context_window: m.contextWindow,
    max_output_tokens: m.maxOutputTokens,
    /** USD per 1M tokens, exact decimal strings, at the cheapest endpoint (usable here when any is). */
    pricing: {
      input_per_mtok_usd: usdString(cheapest.endpoint.inputMicroPerMTok),
      output_per_mtok_usd: usdString(cheapest.endpoint.outputMicroPerMTok),
      endpoint: cheapest.endpoint.id,
    },
    lowrouter: {
      providers: new Set(infos.map((i) => i.provider.id)).size,
      endpoints: infos.length,
      usable_endpoints: usable.length,
      eco: {
        gco2e_per_1k_output_tokens: {
          min: Math.min(...ecos.map((e) => e.gco2e.min)),
          max: Math.max(...ecos.map((e) => e.gco2e.max)),
        },
        reference_output_tokens: REFERENCE_OUTPUT_TOKENS,
        note: ECO_LABEL,
      },
    },
  };
}

function endpointsByModel(tables: RoutingTables): Map<string, EndpointInfo[]> {
  const by = new Map<string, EndpointInfo[]>();
  for (const info of tables.byEndpoint.values()) {
    const list = by.get(info.model.id) ?? [];
    list.push(info);
    by.set(info.model.id, list);
  }
  return by;
}

export function modelsJson(tables: RoutingTables) {
  const by = endpointsByModel(tables);
  const data = [...by.keys()]
    .sort((a, b) => a.localeCompare(b))
    .map((id) => modelEntry(tables, id, by.get(id)!));
  return { object: 'list', data: [AUTO_ENTRY, ...data] };
}

/** One model by id or alias; null when no endpoint serves it. */
export function modelJson(tables: RoutingTables, id: string) {
  if (id === AUTO_MODEL) return AUTO_ENTRY;
  const canonical = tables.models.has(id) ? id : tables.modelAliases.get(id);
  if (!canonical) return null;
  const infos = endpointsByModel(tables).get(canonical);
  return infos ? modelEntry(tables, canonical, infos) : null;
}
