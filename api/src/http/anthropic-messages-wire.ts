/**
 * Pure transforms between Anthropic's Messages wire (what a client of `@anthropic-ai/sdk` sends and
 * expects) and LowRouter's canonical request and completion. Whatever provider serves the request,
 * the client sees Anthropic's shapes: `system`, content blocks (text, image, tool_use, tool_result),
 * `stop_sequences`, `tool_choice` {auto|any|tool|none}, and usage with `input_tokens` EXCLUDING cached
 * tokens (Anthropic's convention; canonical.ts counts the whole prompt).
 */
import type { Completion } from '../inference/complete';
import type { Warning } from '../providers/canonical';
import { clip } from '../providers/request-shape';

type Json = Record<string, unknown>;

export type Translated =
  | { ok: true; body: Json; warnings: Warning[] }
  | { ok: false; message: string; param: string };

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (param: string, message: string): Translated => ({ ok: false, param, message });

/** Fields an Anthropic client may send that change nothing LowRouter can honour, dropped with a warning. */
const WARN_DROPPED = ['top_k', 'thinking', 'container', 'mcp_servers', 'context_management'];
/** Dropped without a warning: they change nothing a client can observe through LowRouter. */
const QUIET_DROPPED = ['service_tier', 'cache_control'];
const KNOWN = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'stop_sequences',
  'temperature',
  'top_p',
  'tools',
  'tool_choice',
  'metadata',
  'stream',
  ...WARN_DROPPED,
  ...QUIET_DROPPED,
]);

function textOfBlocks(content: unknown, param: string): string | { error: string } {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return { error: `${param} must be a string or a list of text blocks` };
  let out = '';
  for (const [i, b] of content.entries()) {
    if (!isObj(b) || b.type !== 'text' || typeof b.text !== 'string')
      return { error: `${param}.${i} must be a text block ({"type":"text","text":…})` };
    out += b.text;
  }
  return out;
}

function imagePart(b: Json, param: string): Json | { error: string } {
  const s = b.source;
  if (isObj(s) && s.type === 'base64' && typeof s.media_type === 'string' && typeof s.data === 'string')
    return { type: 'image_url', image_url: { url: `data:${s.media_type};base64,${s.data}` } };
  if (isObj(s) && s.type === 'url' && typeof s.url === 'string')
    return { type: 'image_url', image_url: { url: s.url } };
  return { error: `${param}.source must be {"type":"base64","media_type","data"} or {"type":"url","url"}` };
}

/** Translates one Anthropic `messages[]` entry into canonical messages (tool results become `tool` messages). */
function translateMessage(m: unknown, i: number): Json[] | { error: string; param: string } {
  const param = `messages.${i}`;
  if (!isObj(m)) return { error: 'must be an object with role and content', param };
  if (m.role !== 'user' && m.role !== 'assistant')
    return {
      error: `role must be 'user' or 'assistant' (put system text in the top-level 'system')`,
      param: `${param}.role`,
    };
  const content = m.content;
  if (typeof content === 'string') return [{ role: m.role, content }];
  if (!Array.isArray(content))
    return { error: 'content must be a string or a list of blocks', param: `${param}.content` };
  if (m.role === 'assistant') {
    let text = '';
    const toolCalls: Json[] = [];
    for (const [j, b] of content.entries()) {
      const p = `${param}.content.${j}`;
      if (!isObj(b)) return { error: 'must be a content block', param: p };
      if (b.type === 'text' && typeof b.text === 'string') text += b.text;
      else if (b.type === 'tool_use') {
        if (typeof b.id !== 'string' || typeof b.name !== 'string')
          return { error: 'tool_use needs id and name', param: p };
        toolCalls.push({
          id: b.id,
          type: 'function',
          function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
        });
      } else if (b.type === 'thinking' || b.type === 'redacted_thinking') {
        // Thinking from an earlier turn: no other provider can take it back; dropped.
      } else
        return {
          error: `block type '${clip(String(b.type))}' is not supported in an assistant turn`,
          param: p,
        };
    }
    return [
      { role: 'assistant', content: text || null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
    ];
  }
  const tools: Json[] = [];
  const parts: Json[] = [];
  for (const [j, b] of content.entries()) {
    const p = `${param}.content.${j}`;
    if (!isObj(b)) return { error: 'must be a content block', param: p };
    if (b.type === 'text' && typeof b.text === 'string') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'image') {
      const part = imagePart(b, p);
      if ('error' in part) return { error: String(part.error), param: `${p}.source` };
      parts.push(part);
    } else if (b.type === 'tool_result') {
      if (typeof b.tool_use_id !== 'string') return { error: 'tool_result needs tool_use_id', param: p };
      const c = b.content;
      let text: string;
      if (c === undefined) text = '';
      else if (typeof c === 'string') text = c;
      else if (Array.isArray(c))
        text = c
          .map((x) => (isObj(x) && x.type === 'text' && typeof x.text === 'string' ? x.text : ''))
          .join('');
      else return { error: 'tool_result content must be a string or text blocks', param: `${p}.content` };
      tools.push({
        role: 'tool',
        tool_call_id: b.tool_use_id,
        content: b.is_error === true ? `Error: ${text}` : text,
      });
    } else
      return {
        error: `block type '${clip(String(b.type))}' is not supported (use text, image or tool_result)`,
        param: p,
      };
  }
  // Tool results answer the previous assistant turn, so they come first.
  return [...tools, ...(parts.length ? [{ role: 'user', content: parts }] : [])];
}

/** An Anthropic Messages body (without LowRouter's `route`/`models`) → a canonical (OpenAI-shaped) body. */
export function anthropicToCanonical(b: Json): Translated {
  const warnings: Warning[] = [];
  if (typeof b.model !== 'string' || !b.model)
    return fail('model', 'model is required (a LowRouter model id)');
  if (!Number.isInteger(b.max_tokens) || (b.max_tokens as number) < 1)
    return fail('max_tokens', 'max_tokens is required: a positive integer');
  if (!Array.isArray(b.messages) || b.messages.length === 0)
    return fail('messages', 'messages must be a non-empty list');
  const messages: Json[] = [];
  if (b.system !== undefined) {
    const system = textOfBlocks(b.system, 'system');
    if (typeof system !== 'string') return fail('system', system.error);
    if (system) messages.push({ role: 'system', content: system });
  }
  for (const [i, m] of b.messages.entries()) {
    const out = translateMessage(m, i);
    if (!Array.isArray(out)) return fail(out.param, out.error);
    messages.push(...out);
  }
  const body: Json = { model: b.model, max_tokens: b.max_tokens, messages };
  if (b.stop_sequences !== undefined) {
    if (!Array.isArray(b.stop_sequences) || !b.stop_sequences.every((s) => typeof s === 'string'))
      return fail('stop_sequences', 'stop_sequences must be a list of strings');
    if (b.stop_sequences.length > 4)
      return fail(
        'stop_sequences',
        'at most 4 stop_sequences (some providers LowRouter routes to take no more)',
      );
    if (b.stop_sequences.length) body.stop = b.stop_sequences;
  }
  if (b.temperature !== undefined) {
    if (typeof b.temperature !== 'number' || b.temperature < 0 || b.temperature > 1)
      return fail('temperature', 'temperature must be a number from 0 to 1');
    body.temperature = b.temperature;
  }
  if (b.top_p !== undefined) body.top_p = b.top_p;
  if (b.stream !== undefined) body.stream = b.stream;
  if (isObj(b.metadata) && typeof b.metadata.user_id === 'string') body.user = b.metadata.user_id;
  if (b.tools !== undefined) {
    if (!Array.isArray(b.tools)) return fail('tools', 'tools must be a list');
    const tools: Json[] = [];
    for (const [i, t] of b.tools.entries()) {
      if (!isObj(t) || typeof t.name !== 'string')
        return fail(`tools.${i}`, 'each tool needs a name and an input_schema');
      if (t.type !== undefined && t.type !== 'custom')
        return fail(
          `tools.${i}.type`,
          `server tool '${clip(String(t.type))}' is not supported: LowRouter forwards client tools only`,
        );
      if (t.input_schema !== undefined && !isObj(t.input_schema))
        return fail(`tools.${i}.input_schema`, 'input_schema must be a JSON Schema object');
      tools.push({
        type: 'function',
        function: {
          name: t.name,
          ...(typeof t.description === 'string' ? { description: t.description } : {}),
          parameters: t.input_schema ?? { type: 'object', properties: {} },
        },
      });
    }
    if (tools.length) body.tools = tools;
  }
  if (b.tool_choice !== undefined) {
    const c = b.tool_choice;
    if (!isObj(c)) return fail('tool_choice', 'tool_choice must be an object with a type');
    if (c.type === 'auto') body.tool_choice = 'auto';
    else if (c.type === 'any') body.tool_choice = 'required';
    else if (c.type === 'none') body.tool_choice = 'none';
    else if (c.type === 'tool' && typeof c.name === 'string')
      body.tool_choice = { type: 'function', function: { name: c.name } };
    else return fail('tool_choice', "tool_choice.type must be 'auto', 'any', 'none' or 'tool' (with name)");
    if (c.disable_parallel_tool_use === true) body.parallel_tool_calls = false;
    if (!body.tools && body.tool_choice !== 'none') return fail('tool_choice', 'tool_choice needs tools');
  }
  for (const key of Object.keys(b)) {
    if (KNOWN.has(key) && !WARN_DROPPED.includes(key)) continue;
    warnings.push({
      code: WARN_DROPPED.includes(key) ? 'unsupported_parameter' : 'ignored_parameter',
      param: clip(key),
      message: `'${clip(key)}' is not supported and was ignored`,
    });
  }
  return { ok: true, body, warnings };
}

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

const STOP: Record<string, AnthropicStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
  error: 'end_turn',
};

/**
 * The canonical finish → Anthropic's stop_reason. The canonical vocabulary has one `stop` for a natural
 * end and a stop sequence (most providers do not say which), so both are reported as `end_turn`.
 */
export function stopReasonOf(c: Pick<Completion, 'finishReason'>): AnthropicStopReason {
  return STOP[c.finishReason] ?? 'end_turn';
}

/** Usage in Anthropic's convention: `input_tokens` excludes cache reads and writes. */
export function anthropicUsage(c: Completion) {
  const u = c.usage;
  return {
    input_tokens: Math.max(0, u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens),
    output_tokens: u.outputTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cachedInputTokens,
  };
}

/** LowRouter's additions, in one top-level object so no Anthropic field changes meaning. */
export function lowrouterBlock(c: Completion) {
  return {
    request_id: c.id,
    /** USD charged to the organisation (upstream price + platform fee). */
    cost: c.usage.costUsd,
    upstream_cost: c.usage.upstreamCostUsd,
    usage_estimated: Boolean(c.usage.estimated),
    eco: c.eco,
    route: c.route,
    ...(c.warnings.length ? { warnings: c.warnings } : {}),
  };
}

function toolInput(args: string): unknown {
  if (!args.trim()) return {};
  try {
    return JSON.parse(args);
  } catch {
    // The model produced invalid JSON: hand it over rather than lose it.
    return { _raw_arguments: args };
  }
}

export function contentBlocks(c: Completion): Json[] {
  const blocks: Json[] = [];
  if (c.message.reasoning) blocks.push({ type: 'thinking', thinking: c.message.reasoning, signature: '' });
  if (c.message.content) blocks.push({ type: 'text', text: c.message.content });
  for (const t of c.message.toolCalls)
    blocks.push({
      type: 'tool_use',
      id: t.id,
      name: t.function.name,
      input: toolInput(t.function.arguments),
    });
  return blocks;
}

/** A finished completion as an Anthropic `message` object, plus `lowrouter`. */
export function messageJson(c: Completion) {
  return {
    id: c.id,
    type: 'message',
    role: 'assistant',
    model: c.model,
    content: contentBlocks(c),
    stop_reason: stopReasonOf(c),
    stop_sequence: null,
    usage: anthropicUsage(c),
    lowrouter: lowrouterBlock(c),
  };
}
