import { describe, expect, it } from 'vitest';
import { envPrefix, resolveCredentials } from './credentials';

const PROVIDERS = [
  { id: 'openai', auth: 'bearer', baseUrl: 'https://api.openai.com/v1' },
  { id: 'anthropic', auth: 'x-api-key', baseUrl: 'https://api.anthropic.com' },
  { id: 'mistral', auth: 'bearer', baseUrl: 'https://api.{region}.mistral.ai/v1' },
  { id: 'google', auth: 'x-goog-api-key', baseUrl: 'https://generativelanguage.googleapis.com/v1beta' },
  {
    id: 'azure-openai',
    auth: 'api-key',
    baseUrl: 'https://{resource}.openai.azure.com/openai',
    chatPath: '/deployments/{model}/chat/completions',
  },
  { id: 'ollama', auth: 'none', baseUrl: 'http://localhost:11434/v1', selfHosted: true },
  { id: 'vllm', auth: 'none', baseUrl: 'http://localhost:8000/v1', selfHosted: true },
] as const;

describe('credentials', () => {
  it('derives the env prefix from the provider id', () => {
    expect([envPrefix('openai'), envPrefix('azure-openai'), envPrefix('google-vertex.eu')]).toEqual([
      'LOWROUTER_OPENAI',
      'LOWROUTER_AZURE_OPENAI',
      'LOWROUTER_GOOGLE_VERTEX_EU',
    ]);
  });

  it('treats a provider without credentials as unavailable, not failed', () => {
    const creds = resolveCredentials({}, PROVIDERS);
    expect(PROVIDERS.map((p) => creds.isAvailable(p.id))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(creds.size).toBe(0);
  });

  it('reads the usual vendor variables, with LOWROUTER_ ones taking precedence', () => {
    const creds = resolveCredentials(
      {
        OPENAI_API_KEY: 'sk-usual',
        LOWROUTER_OPENAI_API_KEY: 'sk-lowrouter',
        ANTHROPIC_API_KEY: 'sk-ant',
        MISTRAL_API_KEY: 'mk',
        GEMINI_API_KEY: 'AIza-gemini',
        LOWROUTER_OPENAI_BASE_URL: 'http://127.0.0.1:9999/v1',
      },
      PROVIDERS,
    );
    expect(Object.fromEntries(creds)).toMatchInlineSnapshot(`
      {
        "anthropic": {
          "apiKey": "sk-ant",
          "placeholders": {},
        },
        "google": {
          "apiKey": "AIza-gemini",
          "placeholders": {},
        },
        "mistral": {
          "apiKey": "mk",
          "placeholders": {},
        },
        "openai": {
          "apiKey": "sk-lowrouter",
          "baseUrl": "http://127.0.0.1:9999/v1",
          "placeholders": {},
        },
      }
    `);
  });

  it('needs every configuration placeholder before a provider is available', () => {
    const without = resolveCredentials({ LOWROUTER_AZURE_OPENAI_API_KEY: 'k' }, PROVIDERS);
    const withIt = resolveCredentials(
      { LOWROUTER_AZURE_OPENAI_API_KEY: 'k', LOWROUTER_AZURE_OPENAI_RESOURCE: 'contoso' },
      PROVIDERS,
    );
    expect([without.isAvailable('azure-openai'), withIt.get('azure-openai')]).toMatchInlineSnapshot(`
      [
        false,
        {
          "apiKey": "k",
          "placeholders": {
            "resource": "contoso",
          },
        },
      ]
    `);
  });

  it('makes keyless self-hosted providers available once a base URL is configured', () => {
    const creds = resolveCredentials(
      { LOWROUTER_OLLAMA_BASE_URL: 'http://gpu-box:11434', LOWROUTER_VLLM_API_KEY: 'x' },
      PROVIDERS,
    );
    expect([creds.get('ollama'), creds.isAvailable('vllm')]).toMatchInlineSnapshot(`
      [
        {
          "baseUrl": "http://gpu-box:11434",
          "placeholders": {},
        },
        false,
      ]
    `);
  });

  it('ignores blank values', () => {
    expect(resolveCredentials({ OPENAI_API_KEY: '  ' }, PROVIDERS).isAvailable('openai')).toBe(false);
  });
});
