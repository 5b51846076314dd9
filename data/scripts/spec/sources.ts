/** Citation strings and dates shared by the catalog build. Every figure in data/*.json cites one of these. */

/** The day the reference snapshot was read to build this catalog (used where upstream gives no date). */
export const READ_DATE = '2026-11-21';

export const ECOLOGITS_COMMIT = 'mlco2/ecologits@5be90dadc86ed92f48dc55316469d888827aec55';
/** Commit date of ECOLOGITS_COMMIT (models.json last changed 2026-03-10 in 6b79716). */
export const ECOLOGITS_DATE = '2026-03-13';
export const ECOLOGITS_MODELS = `${ECOLOGITS_COMMIT}:ecologits/data/models.json (MPL-2.0)`;
export const ECOLOGITS_PROVIDER_CONFIG = `${ECOLOGITS_COMMIT}:ecologits/tracers/utils.py PROVIDER_CONFIG_MAP (MPL-2.0)`;

export const CO2JS = 'thegreenwebfoundation/co2.js@27cbe8328aeaad0824fb07b3640dc45b72228c7b';
export const EM_2024 = `Electricity Maps yearly 2024, lifecycle, consumption-based (ODbL), via ${CO2JS}:data/output/electricity-maps/yearly_2024.json`;
export const EMBER_2024 = `Ember Yearly Electricity Data 2024, lifecycle, production-based (CC BY 4.0), via ${CO2JS}:data/output/average-intensities.json`;

export const MODELS_DEV = 'anomalyco/models.dev (MIT)';
export const GENAI_PRICES = 'pydantic/genai-prices (MIT)';

/** How LowRouter's own reference tables are cited. */
export const REF_REGIONS =
  'LowRouter reference grid/regions.csv (compiled from the sources in data/SOURCES.md)';
export const REF_PRICING = 'LowRouter reference pricing.csv';

/**
 * The provider page that says where a service processes requests, per catalog provider. A region is
 * `documented` only when its provider has an entry here (and the reference row is not an assumption);
 * the page is cited as the region's `locationSource`. Providers without one stay `assumed`.
 */
export const LOCATION_SOURCES: Readonly<Record<string, { url: string; says: string }>> = {
  'aws-bedrock': {
    url: 'https://docs.aws.amazon.com/bedrock/latest/userguide/inference-how.html',
    says: 'AWS: a base-model request (no cross-Region inference profile) is sent to a single AWS Region.',
  },
  'aws-bedrock-anthropic': {
    url: 'https://docs.aws.amazon.com/bedrock/latest/userguide/inference-how.html',
    says: 'AWS: a base-model request (no cross-Region inference profile) is sent to a single AWS Region.',
  },
  'azure-openai': {
    url: 'https://learn.microsoft.com/en-us/azure/ai-services/openai/how-to/deployment-types',
    says: 'Microsoft: Standard (Azure geography) deployments process data in the Azure geography of the resource; Global and DataZone types do not.',
  },
  'google-vertex': {
    url: 'https://docs.cloud.google.com/vertex-ai/generative-ai/docs/learn/data-residency',
    says: 'Google: ML processing for Generative AI on Vertex AI occurs within the region or multi-region where the request is made (for the models and regions listed there).',
  },
  'google-vertex-anthropic': {
    url: 'https://docs.cloud.google.com/vertex-ai/generative-ai/docs/learn/data-residency',
    says: 'Google: ML processing for Generative AI on Vertex AI occurs within the region or multi-region where the request is made (for the models and regions listed there).',
  },
  mistral: {
    url: 'https://docs.mistral.ai/studio-api/regional-inference',
    says: 'Mistral: the eu region group (api.eu.mistral.ai) runs inference in multiple data centers in EU/EFTA countries; sites are not named.',
  },
};
