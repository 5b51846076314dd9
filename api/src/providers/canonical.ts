/**
 * The canonical chat request and response every wire adapter translates to and from.
 *
 * The REQUEST is a superset of OpenAI Chat Completions, spelled exactly as OpenAI spells it (snake_case), so
 * the HTTP layer can validate a client body with `parseCanonicalRequest` and hand it on unchanged.
 * The RESPONSE and STREAM EVENTS are LowRouter's own shape (camelCase), with one finish-reason vocabulary
 * and one usage convention whatever the upstream protocol was.
 *
 * Usage convention (all counts are tokens, as reported by the upstream):
 * - `inputTokens` is the WHOLE prompt: uncached + cache-read + cache-write. Anthropic reports `input_tokens`
 *   EXCLUDING cached tokens, so its adapter adds `cache_read_input_tokens` and `cache_creation_input_tokens`.
 *   OpenAI, Mistral and Gemini already report the whole prompt.
 * - `cachedInputTokens` (read from cache) and `cacheWriteTokens` (written to cache) are PARTS of `inputTokens`.
 * - `outputTokens` is everything generated, reasoning included; `reasoningTokens` is the part spent thinking
 *   (Gemini reports thoughts separately, so its adapter adds them to `outputTokens`).
 * - `estimated: true` when the upstream reported nothing, or reported an impossible number (trust-usage.ts),
 *   and LowRouter counted ~4 characters per token.
 */
import { z } from 'zod';
import type { ProviderError } from './provider-error';
import { checkRequestShape, clip } from './request-shape';

// ---------------------------------------------------------------------------------------------
// Request (OpenAI Chat Completions superset)

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const ImagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    /** `https://…` or `data:<mime>;base64,<data>`. */
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});
const UserPart = z.discriminatedUnion('type', [TextPart, ImagePart]);

const TextContent = z.union([z.string(), z.array(TextPart)]);

export const ToolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal('function').default('function'),
  function: z.object({
    name: z.string().min(1),
    /** JSON text, exactly as the model produced it. */
    arguments: z.string(),
  }),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

const SystemMessage = z.object({
  role: z.literal('system'),
  content: TextContent,
  name: z.string().optional(),
});
const DeveloperMessage = z.object({
  role: z.literal('developer'),
  content: TextContent,
  name: z.string().optional(),
});
const UserMessage = z.object({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(UserPart)]),
  name: z.string().optional(),
});
const AssistantMessage = z.object({
  role: z.literal('assistant'),
  content: TextContent.nullish(),
  tool_calls: z.array(ToolCallSchema).optional(),
  name: z.string().optional(),
  refusal: z.string().nullish(),
});
const ToolMessage = z.object({
  role: z.literal('tool'),
  tool_call_id: z.string().min(1),
  content: TextContent,
});

export const MessageSchema = z.discriminatedUnion('role', [
  SystemMessage,
  DeveloperMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
]);
export type Message = z.infer<typeof MessageSchema>;
export type UserContentPart = z.infer<typeof UserPart>;

export const ToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1).max(64),
    description: z.string().optional(),
    /** JSON Schema of the arguments object. */
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
export type Tool = z.infer<typeof ToolSchema>;

export const ToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
]);
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;

export const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;

/** Inbound request schema. Unknown top-level fields are kept (loose) and reported by `parseCanonicalRequest`. */
export const CanonicalRequestSchema = z
  .looseObject({
    model: z.string().min(1),
    messages: z.array(MessageSchema).min(1),
    tools: z.array(ToolSchema).optional(),
    tool_choice: ToolChoiceSchema.optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: ResponseFormatSchema.optional(),
    /** OpenAI's range is 0–2; adapters reject what their protocol cannot take (Anthropic: 0–1). */
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
    seed: z.number().int().nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    user: z.string().optional(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    /** Only one choice is supported. */
    n: z.literal(1).nullish(),
  })
  .superRefine((req, ctx) => {
    const names = new Set((req.tools ?? []).map((t) => t.function.name));
    const choice = req.tool_choice;
    if (typeof choice === 'object' && !names.has(choice.function.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tool_choice'],
        message: `tool_choice names '${clip(choice.function.name)}', which is not in tools`,
      });
    }
  });
export type CanonicalRequest = z.infer<typeof CanonicalRequestSchema>;

/** Top-level request fields this gateway understands; anything else is dropped with a warning. */
const KNOWN_FIELDS = new Set(Object.keys(CanonicalRequestSchema.shape));
/** Dropped without a warning: they change nothing a client can observe through LowRouter. */
const IGNORED_QUIETLY = new Set(['store', 'metadata']);

export type ParseRequestResult =
  | { ok: true; request: CanonicalRequest; warnings: Warning[] }
  | { ok: false; issues: { path: string; message: string }[] };

/** Validates an inbound body. Unknown top-level fields are dropped with an `ignored_parameter` warning, never an error. */
export function parseCanonicalRequest(body: unknown): ParseRequestResult {
  // Depth, identifier length and NUL first (request-shape.ts): nothing below may see a hostile shape.
  const shape = checkRequestShape(body);
  if (!shape.ok) return { ok: false, issues: [{ path: shape.path, message: shape.message }] };
  const parsed = CanonicalRequestSchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    };
  }
  const warnings: Warning[] = [];
  const request = { ...parsed.data };
  for (const key of Object.keys(request)) {
    if (KNOWN_FIELDS.has(key)) continue;
    delete request[key];
    if (IGNORED_QUIETLY.has(key)) continue;
    warnings.push({
      code: 'ignored_parameter',
      param: clip(key),
      message: `'${clip(key)}' is not supported and was ignored`,
    });
  }
  return { ok: true, request, warnings };
}

/** `max_completion_tokens` wins over the legacy `max_tokens`. */
export function requestedMaxTokens(req: CanonicalRequest): number | undefined {
  return req.max_completion_tokens ?? req.max_tokens ?? undefined;
}

/** `stop` as an array (possibly empty). */
export function stopSequences(req: CanonicalRequest): string[] {
  if (req.stop == null) return [];
  return typeof req.stop === 'string' ? [req.stop] : req.stop;
}

/** Concatenates text content (string or text parts). */
export function textOf(
  content: string | readonly { type: string; text?: string }[] | null | undefined,
): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
}

// ---------------------------------------------------------------------------------------------
// Response

/** The one finish vocabulary. `error` = the upstream said it stopped because of an error. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

/** Token counts; see the convention at the top of this file. */
export interface CanonicalUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** True when LowRouter counted the tokens (≈ 4 characters per token): no usage, or an impossible one. */
  estimated?: boolean;
}

export interface Warning {
  /**
   * `unsupported_parameter`: dropped for this protocol; `ignored_parameter`: unknown to LowRouter;
   * `usage_estimated`: the upstream reported no usage; `usage_untrusted`: it reported an impossible number
   * (providers/trust-usage.ts), so LowRouter counted; `charge_capped`: the charge was held to the reservation;
   * `not_cached`: the request asked for the response cache but samples (inference/cache.ts).
   */
  code:
    | 'unsupported_parameter'
    | 'ignored_parameter'
    | 'usage_estimated'
    | 'usage_untrusted'
    | 'charge_capped'
    | 'not_cached';
  param?: string;
  message: string;
}

export interface CanonicalResponse {
  /** Upstream response id (or a synthesised one when the upstream sends none). */
  id: string;
  /** Model name as the upstream reported it (resolved snapshot), else the requested upstream model. */
  model: string;
  message: {
    role: 'assistant';
    content: string | null;
    tool_calls?: ToolCall[];
    /** Visible reasoning/thinking text when the upstream returns it (Anthropic thinking, Gemini thoughts, …). */
    reasoning?: string;
    refusal?: string;
  };
  finishReason: FinishReason;
  usage: CanonicalUsage;
  warnings: Warning[];
}

// ---------------------------------------------------------------------------------------------
// Stream events

/**
 * What a stream parser emits. Order guarantees, whatever the protocol:
 * - at most one `start`, before any delta;
 * - a successful stream ends with `usage` then `finish` — `finish` is ALWAYS the last event and only
 *   appears once the protocol's terminal marker was seen ([DONE], message_stop, a Gemini finishReason
 *   followed by end of body);
 * - a failed stream ends with an `error` event (possibly preceded by the usage known so far) and never
 *   contains `finish`.
 */
export type CanonicalStreamEvent =
  | { type: 'start'; id: string; model: string }
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  /** A tool-call fragment. `index` counts tool calls from 0 in the order they started; `id`/`name` come on the first fragment. */
  | { type: 'tool_call'; index: number; id?: string; name?: string; arguments: string }
  | { type: 'usage'; usage: CanonicalUsage }
  | { type: 'finish'; finishReason: FinishReason }
  | { type: 'error'; error: ProviderError };

export function emptyUsage(): CanonicalUsage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}
