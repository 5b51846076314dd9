/**
 * The demo's cycle of requests: different models (lowrouter/auto most of all), streaming and not, some
 * with tools, and failures staged on the fake upstreams — one the gateway recovers from by falling
 * back, some it cannot (no fallback allowed, a bad request). Each step says what it is for.
 */
import type { FakeProtocol, FakeScenario } from '../fake-upstream/server';

export interface Step {
  name: string;
  model: string;
  prompt: string;
  stream?: boolean;
  /** Extra request fields (tools, max_tokens, LowRouter's `route`). */
  extra?: Record<string, unknown>;
  /** Scenarios queued on the fakes for this request only (the demo resets the fakes afterwards). */
  upstream?: [FakeProtocol, FakeScenario | string][];
}

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

export const STEPS: readonly Step[] = [
  { name: 'auto, small task', model: 'lowrouter/auto', prompt: 'Translate "good morning" into French.' },
  {
    name: 'auto, code, streamed',
    model: 'lowrouter/auto',
    prompt: 'Write a Python function that parses a CSV file and explain it step by step.',
    stream: true,
  },
  { name: 'gpt-4o-mini', model: 'openai/gpt-4o-mini', prompt: 'Summarise the plot of Hamlet in two lines.' },
  {
    name: 'mistral small, streamed',
    model: 'mistral/mistral-small-2506',
    prompt: 'Give me three names for a bakery.',
    stream: true,
  },
  { name: 'claude haiku', model: 'anthropic/claude-haiku-4-5', prompt: 'What is a haiku?' },
  {
    name: 'auto, low-carbon override',
    model: 'lowrouter/auto',
    prompt: 'List five European capitals.',
    extra: { route: { policy: 'prefer-low-carbon' } },
  },
  {
    name: 'gemini flash, streamed',
    model: 'google/gemini-2.5-flash',
    prompt: 'Explain photosynthesis to a child.',
    stream: true,
  },
  {
    name: 'tools (gpt-4.1-mini)',
    model: 'openai/gpt-4.1-mini',
    prompt: 'What is the weather in Lyon?',
    extra: { tools: [WEATHER_TOOL] },
    upstream: [['openai', { fixture: 'openai/chat-tool-call.json' }]],
  },
  {
    name: 'auto, reasoning',
    model: 'lowrouter/auto',
    prompt: 'Prove step by step that the square root of 2 is irrational, then analyse the proof.',
  },
  {
    name: 'upstream 500, falls back',
    model: 'openai/gpt-4o-mini',
    prompt: 'Name a prime number above 100.',
    upstream: [['openai', 'server-error']],
  },
  {
    name: 'tools (claude), streamed',
    model: 'anthropic/claude-haiku-4-5',
    prompt: 'Check the weather in Oslo.',
    stream: true,
    extra: { tools: [WEATHER_TOOL] },
  },
  { name: 'mistral large', model: 'mistral/mistral-large-2512', prompt: 'Draft a polite meeting reminder.' },
  {
    name: 'upstream 503, no fallback allowed',
    model: 'mistral/mistral-medium-2508',
    prompt: 'Hello!',
    extra: { route: { allowFallbacks: false } },
    upstream: [['mistral', 'unavailable']],
  },
  {
    name: 'auto, EU only',
    model: 'lowrouter/auto',
    prompt: 'Bonjour !',
    extra: { route: { regions: ['EU'] } },
  },
  {
    name: 'bad request (max_tokens too large)',
    model: 'openai/gpt-4o-mini',
    prompt: 'Hi',
    extra: { max_tokens: 10_000_000 },
  },
];
