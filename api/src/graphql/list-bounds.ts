/**
 * How many objects each list field of the schema may return, for the query cost rule
 * (analytics/graphql-limits.ts). Catalog lists are bounded by the catalog itself: a provider has at
 * most `endpointsPerProvider` endpoints, and all providers together at most `endpoints`. Connection
 * lists (`edges`, `nodes`) are bounded by the page size of the connection above them. A test walks
 * the schema and fails on any list of objects that has no bound here, so a new list field cannot
 * slip in uncounted.
 */
import { METHODOLOGY } from '@lowrouter/shared';
import type { RoutingTables } from '../routing/routing-tables';

/** Catalog sizes, as the database holds them (active endpoints only, like the resolvers). */
export interface CatalogCounts {
  providers: number;
  regions: number;
  models: number;
  endpoints: number;
  /** The most regions one provider has. */
  regionsPerProvider: number;
  /** The most active endpoints one provider serves. */
  endpointsPerProvider: number;
  /** The most active endpoints one model has. */
  endpointsPerModel: number;
}

/**
 * Lists that are not paged and not part of the catalog (an organisation's keys and policies, the
 * organisations, tool calls of one completion) count as this many objects each. Their objects hold
 * no further lists, so nothing multiplies below them.
 */
export const UNPAGED_LIST_ESTIMATE = 100;

/**
 * `per`: most objects per parent object (a number, or a catalog count). `total`: when set, the list
 * partitions that catalog table (every endpoint belongs to one model), so below DISTINCT parents all
 * the lists together hold at most that many objects. `page`: bounded by the enclosing connection's
 * page size. `limit`: the field's `limit` argument, when given, lowers `per`.
 */
export type ListBound =
  | { per: number | keyof CatalogCounts; total?: keyof CatalogCounts; limit?: true }
  | { page: true };

const endpointsEach = { per: 'endpoints' } as const;

/** Every list-of-objects field, by `Type.field`. */
export const LIST_BOUNDS: Readonly<Record<string, ListBound>> = {
  'Query.providers': { per: 'providers', total: 'providers' },
  'Query.regions': { per: 'regions', total: 'regions' },
  'Query.models': { per: 'models', total: 'models', limit: true },
  'Query.endpoints': { per: 'endpoints', total: 'endpoints', limit: true },
  'Provider.regions': { per: 'regionsPerProvider', total: 'regions' },
  'Provider.endpoints': { per: 'endpointsPerProvider', total: 'endpoints' },
  'Model.endpoints': { per: 'endpointsPerModel', total: 'endpoints' },
  // Routing output: at most one entry per endpoint.
  'Route.attempts': endpointsEach,
  'Route.excluded': endpointsEach,
  'RoutePreview.candidates': endpointsEach,
  'RoutePreview.excluded': endpointsEach,
  'UpstreamFailed.attempts': endpointsEach,
  'Methodology.steps': { per: METHODOLOGY.steps.length },
  'Methodology.constants': { per: METHODOLOGY.constants.length },
  'Methodology.confidence': { per: METHODOLOGY.confidence.length },
  'Methodology.limits': { per: METHODOLOGY.limits.length },
  'Methodology.providerPue': { per: 'providers', total: 'providers' },
  'Methodology.gridSources': { per: 'regions' },
  // usage() refuses more than its own bucket limit, and a bucket holds only ranges (no links):
  // counted once, as before, so a dashboard query stays cheap.
  'Query.usage': { per: 1 },
  // footprintReport refuses more than its row limit; a row holds only ranges and strings.
  'FootprintReport.rows': { per: 1 },
  'Query.apiKeys': { per: UNPAGED_LIST_ESTIMATE },
  'Query.routingPolicies': { per: UNPAGED_LIST_ESTIMATE },
  'Query.organizations': { per: UNPAGED_LIST_ESTIMATE },
  'CompletionMessage.toolCalls': { per: UNPAGED_LIST_ESTIMATE },
  'RequestConnection.edges': { page: true },
  'RequestConnection.nodes': { page: true },
  'LedgerEntryConnection.edges': { page: true },
  'LedgerEntryConnection.nodes': { page: true },
  'AuditEntryConnection.edges': { page: true },
  'AuditEntryConnection.nodes': { page: true },
};

/** Catalog counts from rows: anything with providers, regions, models and endpoints. */
export function countCatalog(rows: {
  providers: readonly unknown[];
  regions: readonly { providerId: string }[];
  models: readonly unknown[];
  endpoints: readonly { providerId: string; modelId: string }[];
}): CatalogCounts {
  const most = <T>(list: readonly T[], key: (row: T) => string) => {
    const n = new Map<string, number>();
    for (const row of list) n.set(key(row), (n.get(key(row)) ?? 0) + 1);
    return Math.max(0, ...n.values());
  };
  return {
    providers: rows.providers.length,
    regions: rows.regions.length,
    models: rows.models.length,
    endpoints: rows.endpoints.length,
    regionsPerProvider: most(rows.regions, (r) => r.providerId),
    endpointsPerProvider: most(rows.endpoints, (e) => e.providerId),
    endpointsPerModel: most(rows.endpoints, (e) => e.modelId),
  };
}

const fromTables = new WeakMap<RoutingTables, CatalogCounts>();

/** The counts of the routing tables (all providers, regions and models; active endpoints). Memoised. */
export function catalogCountsOf(tables: RoutingTables): CatalogCounts {
  let counts = fromTables.get(tables);
  if (!counts) {
    counts = countCatalog({
      providers: tables.providers,
      regions: tables.regions,
      models: [...tables.models.values()],
      endpoints: [...tables.byEndpoint.values()].map((i) => i.endpoint),
    });
    fromTables.set(tables, counts);
  }
  return counts;
}
