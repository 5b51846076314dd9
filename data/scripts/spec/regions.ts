/**
 * Which reference regions become catalog regions, under which provider and providerRegionId.
 * Only regions the provider's URL template can actually reach are listed.
 */

export interface RegionPick {
  /** `provider` column of grid/regions.csv. */
  csvProvider: string;
  /** `region_id` column of grid/regions.csv. */
  csvRegion: string;
  providerId: string;
  /** Lowercase, URL-safe; substituted for `{region}` in the provider's baseUrl. */
  providerRegionId: string;
  /** Force `assumed` and explain why (the CSV row is about the site, not about this service). */
  assumedBecause?: string;
  /** Use the country-level Electricity Maps figure instead of the site's zone. */
  useCountryZone?: boolean;
}

const same = (csvProvider: string, providerId: string, ids: string[]): RegionPick[] =>
  ids.map((id) => ({ csvProvider, csvRegion: id, providerId, providerRegionId: id }));

const AZURE = [
  'eastus',
  'eastus2',
  'westus',
  'westus3',
  'northcentralus',
  'southcentralus',
  'canadaeast',
  'swedencentral',
  'francecentral',
  'germanywestcentral',
  'westeurope',
  'northeurope',
  'uksouth',
  'switzerlandnorth',
  'norwayeast',
  'polandcentral',
  'spaincentral',
  'italynorth',
  'japaneast',
  'australiaeast',
  'koreacentral',
  'southindia',
  'brazilsouth',
  'uaenorth',
  'southafricanorth',
];

const VERTEX = [
  'us-central1',
  'us-east1',
  'us-east4',
  'us-east5',
  'us-south1',
  'us-west1',
  'us-west4',
  'northamerica-northeast1',
  'southamerica-east1',
  'europe-west1',
  'europe-west2',
  'europe-west3',
  'europe-west4',
  'europe-west6',
  'europe-west8',
  'europe-west9',
  'europe-north1',
  'europe-north2',
  'europe-southwest1',
  'europe-central2',
  'asia-northeast1',
  'asia-northeast3',
  'asia-southeast1',
  'asia-south1',
  'australia-southeast1',
  'asia-east1',
  'me-west1',
  'me-central2',
];

/** Regions that serve bedrock-mantle (AWS Bedrock user guide, "Supported Regions and Endpoints"). */
const BEDROCK_MANTLE = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ap-southeast-3',
  'ap-south-1',
  'ap-northeast-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-south-1',
  'eu-north-1',
  'sa-east-1',
];

export const regionPicks: RegionPick[] = [
  ...same('azure-openai', 'azure-openai', AZURE),
  ...same('gcp-vertex', 'google-vertex', VERTEX),
  ...same('gcp-vertex', 'google-vertex-anthropic', ['us-east5', 'europe-west1', 'asia-southeast1']),
  {
    csvProvider: 'gcp-vertex',
    csvRegion: 'us-central1',
    providerId: 'google-vertex-openai',
    providerRegionId: 'us-central1',
    assumedBecause:
      'Vertex model cards for Llama MaaS list "ML processing: United States, multi-region", so the request may run anywhere in the US; the US country figure is used instead of the Iowa (MISO) zone.',
    useCountryZone: true,
  },
  ...same('aws-bedrock', 'aws-bedrock', BEDROCK_MANTLE),
  ...same('aws-bedrock', 'aws-bedrock-anthropic', BEDROCK_MANTLE),
  {
    csvProvider: 'scaleway',
    csvRegion: 'fr-par',
    providerId: 'scaleway',
    providerRegionId: 'fr-par',
    assumedBecause:
      'Scaleway documents Generative APIs as "hosted in European data centers" (https://scaleway.com/en/docs/generative-apis/quickstart) without naming the site; Paris (fr-par) is assumed.',
  },
  {
    csvProvider: 'ovhcloud',
    csvRegion: 'GRA',
    providerId: 'ovhcloud',
    providerRegionId: 'gra',
    assumedBecause:
      'OVHcloud does not say which datacenter serves AI Endpoints; Gravelines (GRA) is assumed. All French OVHcloud sites share the FR zone.',
  },
  {
    csvProvider: 'mistral',
    csvRegion: 'eu (api.eu.mistral.ai)',
    providerId: 'mistral',
    providerRegionId: 'eu',
  },
  {
    csvProvider: 'openai',
    csvRegion: 'api.openai.com (default)',
    providerId: 'openai',
    providerRegionId: 'us',
    assumedBecause:
      'OpenAI documents in-region processing only for data-residency projects on regional hosts such as us.api.openai.com (https://developers.openai.com/api/docs/guides/data-residency); api.openai.com carries no processing constraint, so the US is assumed.',
  },
  {
    csvProvider: 'anthropic',
    csvRegion: 'api.anthropic.com (inference_geo=global, default)',
    providerId: 'anthropic',
    providerRegionId: 'global',
    assumedBecause:
      'Anthropic documents that the default inference_geo "global" may run in any geography (platform.claude.com/docs/en/manage-claude/data-residency), so the US is assumed.',
  },
  { csvProvider: 'groq', csvRegion: 'groqcloud (default)', providerId: 'groq', providerRegionId: 'global' },
  {
    csvProvider: 'together',
    csvRegion: 'api.together.ai / us-api',
    providerId: 'together',
    providerRegionId: 'global',
  },
  {
    csvProvider: 'cerebras',
    csvRegion: 'inference (default)',
    providerId: 'cerebras',
    providerRegionId: 'global',
  },
  {
    csvProvider: 'deepinfra',
    csvRegion: 'api.deepinfra.com',
    providerId: 'deepinfra',
    providerRegionId: 'us',
  },
  {
    csvProvider: 'fireworks',
    csvRegion: 'serverless (global routing)',
    providerId: 'fireworks',
    providerRegionId: 'global',
  },
];
