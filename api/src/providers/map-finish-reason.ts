/**
 * Every protocol's stop/finish reason → LowRouter's one vocabulary
 * ('stop' | 'length' | 'tool_calls' | 'content_filter' | 'error'). Table: PROTOCOLS.md §8.2.
 * Unknown values map to 'stop' (the upstream did end normally, it just used a word we have not seen).
 */
import type { FinishReason } from './canonical';

/** OpenAI chat and every OpenAI-compatible vendor (Mistral included: `model_length`, `error`). */
export function mapOpenAIFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'length':
    case 'model_length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case 'error':
      return 'error';
    default:
      return 'stop';
  }
}

/** Anthropic `stop_reason`. `pause_turn` (server-tool loop paused) is surfaced as a plain stop. */
export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

const GEMINI_FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'LANGUAGE',
]);
const GEMINI_ERRORS = new Set([
  'MALFORMED_FUNCTION_CALL',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'OTHER',
]);

/** Gemini `finishReason`. Gemini has no tool-call reason: `STOP` with functionCall parts means tool_calls. */
export function mapGeminiFinishReason(
  reason: string | null | undefined,
  hasFunctionCalls: boolean,
): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason && GEMINI_FILTERED.has(reason)) return 'content_filter';
  if (reason && GEMINI_ERRORS.has(reason)) return 'error';
  return hasFunctionCalls ? 'tool_calls' : 'stop';
}
