/** The four wire-protocol adapters, by protocol name. Vendors are catalog rows pointing at one of these. */
import type { WireProtocol } from '@lowrouter/shared';
import type { ProtocolAdapter } from './adapter';
import { anthropicAdapter } from './anthropic';
import { geminiAdapter } from './gemini';
import { mistralAdapter } from './mistral';
import { openaiAdapter } from './openai';

export const ADAPTERS: Readonly<Record<WireProtocol, ProtocolAdapter>> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  mistral: mistralAdapter,
  gemini: geminiAdapter,
};

export function adapterFor(protocol: WireProtocol): ProtocolAdapter {
  return ADAPTERS[protocol];
}
