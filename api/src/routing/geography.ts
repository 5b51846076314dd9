/**
 * Region selectors for data residency and region preference. A selector is one of:
 * - a catalog region id, `<provider>:<providerRegionId>` (`scaleway:fr-par`), matched exactly;
 * - an ISO 3166-1 alpha-2 country code (`FR`), matching every region whose `country` is that code;
 * - a named geography: `EU` (27 member states), `EEA` (EU + IS, LI, NO) or `US`.
 * Country codes and geography names are case-insensitive and normalised to upper case.
 */

/** The 27 EU member states (since 2020-02-01), ISO 3166-1 alpha-2. */
export const EU_COUNTRIES: readonly string[] =
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' ');

/** The European Economic Area: the EU plus Iceland, Liechtenstein and Norway. */
export const EEA_COUNTRIES: readonly string[] = [...EU_COUNTRIES, 'IS', 'LI', 'NO'];

/** Named geographies accepted wherever a region selector is. */
export const GEOGRAPHIES: Readonly<Record<string, readonly string[]>> = {
  EU: EU_COUNTRIES,
  EEA: EEA_COUNTRIES,
  US: ['US'],
};

/** ISO 3166-1 alpha-2 officially assigned codes (249), so a typo such as `XX` is refused. */
const ISO_3166_ALPHA2 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW ' +
    'BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI ' +
    'FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN ' +
    'IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME ' +
    'MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF ' +
    'PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV ' +
    'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE ' +
    'YT ZA ZM ZW'
  ).split(' '),
);

const REGION_ID = /^[a-z0-9-]+:[a-z0-9-]+$/;

/** The least a selector needs to know about a region. */
export interface RegionRef {
  id: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /**
   * How the location is known (`documented` by a provider page, or `assumed`). Strict residency
   * admits only documented regions; a region without it counts as assumed (fail closed).
   */
  locationConfidence?: string;
}

export type SelectorKind = 'region' | 'country' | 'geography';

/** Upper-cases country codes and geography names; region ids are left as written. */
export function normalizeSelector(selector: string): string {
  const trimmed = selector.trim();
  return REGION_ID.test(trimmed) ? trimmed : trimmed.toUpperCase();
}

/**
 * What a selector is by its spelling alone, or undefined when it is none of the three.
 * A region id is syntactically valid here; whether the catalog has it is for `expandRegionSelectors`.
 */
export function selectorKind(selector: string): SelectorKind | undefined {
  const s = normalizeSelector(selector);
  if (REGION_ID.test(s)) return 'region';
  if (s in GEOGRAPHIES) return 'geography';
  if (ISO_3166_ALPHA2.has(s)) return 'country';
  return undefined;
}

/** The message for a selector that is none of the accepted spellings. */
export function unknownSelectorMessage(selector: string): string {
  const hint = selector.trim().toUpperCase() === 'UK' ? ' (the United Kingdom is GB)' : '';
  return (
    `unknown region selector '${selector}'${hint}: use a region id such as scaleway:fr-par, ` +
    `an ISO 3166 country code such as FR, or one of ${Object.keys(GEOGRAPHIES).join(', ')}`
  );
}

/** True when `region` is covered by `selector`. Unknown selectors match nothing (fail closed). */
export function regionMatches(selector: string, region: RegionRef): boolean {
  const s = normalizeSelector(selector);
  if (REGION_ID.test(s)) return s === region.id;
  const countries = GEOGRAPHIES[s];
  // A region known only as "somewhere in the EU" (country `EU`, e.g. Mistral's regional API) satisfies
  // EU and EEA residency, but never a single-country selector.
  if (countries)
    return countries.includes(region.country) || (region.country === 'EU' && (s === 'EU' || s === 'EEA'));
  return ISO_3166_ALPHA2.has(s) && s === region.country;
}

/** True when any selector in the list covers `region`. */
export function regionMatchesAny(selectors: readonly string[], region: RegionRef): boolean {
  return selectors.some((s) => regionMatches(s, region));
}

export type ExpandResult =
  | { ok: true; regionIds: Set<string> }
  | { ok: false; unknown: string[]; message: string };

/**
 * Resolves selectors against the catalog's regions to the set of region ids they cover.
 * A selector that is not a known country or geography, or a region id missing from `regions`, makes
 * the whole expansion an error value naming every unknown selector. A known selector with no region
 * in the catalog (a country nobody serves from) is not an error; it contributes nothing.
 */
export function expandRegionSelectors(
  selectors: readonly string[],
  regions: readonly RegionRef[],
): ExpandResult {
  const unknown: string[] = [];
  const regionIds = new Set<string>();
  for (const selector of selectors) {
    const kind = selectorKind(selector);
    const matched = regions.filter((r) => regionMatches(selector, r));
    if (!kind || (kind === 'region' && matched.length === 0)) {
      unknown.push(selector);
      continue;
    }
    for (const r of matched) regionIds.add(r.id);
  }
  if (unknown.length > 0) {
    const message =
      unknown.length === 1
        ? unknownSelectorMessage(unknown[0]!)
        : `unknown region selectors ${unknown.map((u) => `'${u}'`).join(', ')}: use region ids, ISO 3166 ` +
          `country codes or one of ${Object.keys(GEOGRAPHIES).join(', ')}`;
    return { ok: false, unknown, message };
  }
  return { ok: true, regionIds };
}

/** `EU`, `FR, DE` — selectors as an operator reads them in a reason. */
export function describeSelectors(selectors: readonly string[]): string {
  return selectors.map(normalizeSelector).join(', ');
}
