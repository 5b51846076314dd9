/**
 * Pure transforms between OpenAI's Responses wire (`client.responses.create` of the `openai` SDK) and
 * LowRouter's canonical request and completion. `input` is a string or a list of items (messages with
 * input_text/input_image/output_text parts, function_call, function_call_output); `instructions` is
 * the system prompt; tools are flat (`{type:"function", name, parameters}`). LowRouter stores no
 * content, so only `store: false` (or no `store`) is accepted and `previous_response_id` is refused.
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

export const NO_STORAGE =
  'LowRouter stores no request or response content, so it cannot keep or continue a stored response';

/** Accepted and dropped with a warning: no canonical equivalent. */
const WARN_DROPPED = [
  'reasoning',
  'truncation',
  'include',
  'top_logprobs',
  'max_tool_calls',
  'background',
  'prompt',
];
/** Accepted and dropped quietly: nothing a client observes through LowRouter changes. */
const QUIET_DROPPED = [
  'store',
  'metadata',
  'service_tier',
  'prompt_cache_key',
  'safety_identifier',
  'stream_options',
];
const KNOWN = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'stream',
  'text',
  'user',
  'previous_response_id',
  'conversation',
  ...WARN_DROPPED,
  ...QUIET_DROPPED,
]);

function userParts(content: unknown[], param: string): Json[] | { error: string; param: string } {
  const parts: Json[] = [];
  for (const [i, p] of content.entries()) {
    const at = `${param}.${i}`;
    if (!isObj(p)) return { error: 'must be a content part', param: at };
    if (
      (p.type === 'input_text' || p.type === 'output_text' || p.type === 'text') &&
      typeof p.text === 'string'
    )
      parts.push({ type: 'text', text: p.text });
    else if (p.type === 'input_image') {
      if (typeof p.image_url !== 'string' || !p.image_url)
        return {
          error: 'input_image needs image_url (https URL or data URL); file_id is not supported',
          param: at,
        };
      parts.push({
        type: 'image_url',
        image_url: {
          url: p.image_url,
          ...(p.detail === 'low' || p.detail === 'high' ? { detail: p.detail } : {}),
        },
      });
    } else return { error: `content part type '${clip(String(p.type))}' is not supported`, param: at };
  }
  return parts;
}

const textOnly = (parts: Json[]) =>
  parts.every((p) => p.type === 'text') ? parts.map((p) => p.text as string).join('') : null;

/** `input` → canonical messages (consecutive function_call items become one assistant turn). */
function translateInput(input: unknown): Json[] | { error: string; param: string } {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input) || input.length === 0)
    return { error: 'input must be a string or a non-empty list of items', param: 'input' };
  const out: Json[] = [];
  for (const [i, item] of input.entries()) {
    const param = `input.${i}`;
    if (!isObj(item)) return { error: 'must be an item object', param };
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = item.role;
      if (role !== 'user' && role !== 'system' && role !== 'developer' && role !== 'assistant')
        return { error: "role must be 'user', 'assistant', 'system' or 'developer'", param: `${param}.role` };
      let content: unknown = item.content;
      if (Array.isArray(content)) {
        const parts = userParts(content, `${param}.content`);
        if (!Array.isArray(parts)) return parts;
        const text = textOnly(parts);
        if (role !== 'user' && text === null)
          return { error: `a ${role} message takes text parts only`, param: `${param}.content` };
        content = role === 'user' ? parts : text;
      } else if (typeof content !== 'string')
        return { error: 'content must be a string or a list of parts', param: `${param}.content` };
      out.push({ role, content });
    } else if (type === 'function_call') {
      if (
        typeof item.call_id !== 'string' ||
        typeof item.name !== 'string' ||
        typeof item.arguments !== 'string'
      )
        return { error: 'function_call needs call_id, name and arguments (a JSON string)', param };
      const call = {
        id: item.call_id,
        type: 'function',
        function: { name: item.name, arguments: item.arguments },
      };
      const last = out.at(-1);
      if (last?.role === 'assistant' && Array.isArray(last.tool_calls))
        (last.tool_calls as Json[]).push(call);
      else if (last?.role === 'assistant' && !last.tool_calls) last.tool_calls = [call];
      else out.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (type === 'function_call_output') {
      if (typeof item.call_id !== 'string') return { error: 'function_call_output needs call_id', param };
      const o = item.output;
      let text: string | null = typeof o === 'string' ? o : null;
      if (Array.isArray(o)) {
        const parts = userParts(o, `${param}.output`);
        if (!Array.isArray(parts)) return parts;
        text = textOnly(parts);
      }
      if (text === null) return { error: 'output must be a string or text parts', param: `${param}.output` };
      out.push({ role: 'tool', tool_call_id: item.call_id, content: text });
    } else if (type === 'reasoning') {
      // Reasoning from an earlier turn: no other provider can take it back; dropped.
    } else if (type === 'item_reference') {
      return { error: `item_reference needs stored items: ${NO_STORAGE}`, param };
    } else
      return { error: `input item type '${clip(String(type))}' is not supported`, param: `${param}.type` };
  }
  return out;
}

/** A Responses body (without `route`/`models`) → a canonical (OpenAI Chat-shaped) body. */
export function responsesToCanonical(b: Json): Translated {
  if (b.store === true)
    return fail('store', `store: true is not supported: ${NO_STORAGE}. Send store: false (or omit it)`);
  if (b.previous_response_id != null)
    return fail(
      'previous_response_id',
      `previous_response_id is not supported: ${NO_STORAGE}. Send the whole conversation in input`,
    );
  if (b.conversation != null)
    return fail(
      'conversation',
      `conversation is not supported: ${NO_STORAGE}. Send the whole conversation in input`,
    );
  if (typeof b.model !== 'string' || !b.model)
    return fail('model', 'model is required (a LowRouter model id)');
  const messages: Json[] = [];
  if (b.instructions != null) {
    if (typeof b.instructions !== 'string') return fail('instructions', 'instructions must be a string');
    if (b.instructions) messages.push({ role: 'system', content: b.instructions });
  }
  const input = translateInput(b.input);
  if (!Array.isArray(input)) return fail(input.param, input.error);
  messages.push(...input);
  const body: Json = { model: b.model, messages };
  if (b.max_output_tokens != null) body.max_tokens = b.max_output_tokens;
  for (const k of ['temperature', 'top_p', 'parallel_tool_calls', 'stream', 'user'] as const)
    if (b[k] != null) body[k] = b[k];
  if (b.tools !== undefined) {
    if (!Array.isArray(b.tools)) return fail('tools', 'tools must be a list');
    const tools: Json[] = [];
    for (const [i, t] of b.tools.entries()) {
      if (!isObj(t) || t.type !== 'function')
        return fail(
          `tools.${i}.type`,
          `tool type '${clip(String(isObj(t) ? t.type : t))}' is not supported: LowRouter forwards function tools only`,
        );
      if (typeof t.name !== 'string') return fail(`tools.${i}.name`, 'a function tool needs a name');
      tools.push({
        type: 'function',
        function: {
          name: t.name,
          ...(typeof t.description === 'string' ? { description: t.description } : {}),
          ...(t.parameters != null ? { parameters: t.parameters } : {}),
          ...(typeof t.strict === 'boolean' ? { strict: t.strict } : {}),
        },
      });
    }
    if (tools.length) body.tools = tools;
  }
  if (b.tool_choice !== undefined) {
    const c = b.tool_choice;
    if (c === 'auto' || c === 'none' || c === 'required') body.tool_choice = c;
    else if (isObj(c) && c.type === 'function' && typeof c.name === 'string')
      body.tool_choice = { type: 'function', function: { name: c.name } };
    else
      return fail('tool_choice', "tool_choice must be 'auto', 'none', 'required' or {type:'function', name}");
  }
  if (b.text !== undefined) {
    const format = isObj(b.text) ? b.text.format : undefined;
    if (isObj(format)) {
      if (format.type === 'json_schema') {
        if (typeof format.name !== 'string')
          return fail('text.format.name', 'a json_schema format needs a name');
        body.response_format = {
          type: 'json_schema',
          json_schema: {
            name: format.name,
            ...(typeof format.description === 'string' ? { description: format.description } : {}),
            ...(isObj(format.schema) ? { schema: format.schema } : {}),
            ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
          },
        };
      } else if (format.type === 'json_object' || format.type === 'text')
        body.response_format = { type: format.type };
      else return fail('text.format.type', "text.format.type must be 'text', 'json_object' or 'json_schema'");
    }
  }
  const warnings: Warning[] = [];
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

/** Usage as the Responses API spells it, plus LowRouter's cost (USD) like chat completions' usage. */
export function responsesUsage(c: Completion) {
  const u = c.usage;
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedInputTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: u.inputTokens + u.outputTokens,
    /** USD charged to the organisation (upstream price + platform fee). */
    cost: u.costUsd,
    upstream_cost: u.upstreamCostUsd,
    estimated: Boolean(u.estimated),
  };
}

/** Item ids derived from the request id, so they are unique and stable within one response. */
export const itemId = (requestId: string, kind: 'msg' | 'fc' | 'rs', n: number) =>
  `${kind}_${requestId.replace(/^req_/, '')}_${n}`;

export function outputItems(c: Completion): Json[] {
  const items: Json[] = [];
  if (c.message.reasoning)
    items.push({
      id: itemId(c.id, 'rs', 0),
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: c.message.reasoning }],
    });
  if (c.message.content)
    items.push({
      id: itemId(c.id, 'msg', 0),
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: c.message.content, annotations: [], logprobs: [] }],
    });
  for (const [i, t] of c.message.toolCalls.entries())
    items.push({
      id: itemId(c.id, 'fc', i),
      type: 'function_call',
      status: 'completed',
      call_id: t.id,
      name: t.function.name,
      arguments: t.function.arguments,
    });
  return items;
}

/** The fields of a response object known before the answer (echoed request settings). */
export interface ResponseHead {
  id: string;
  created_at: number;
  model: string;
  instructions: string | null;
  max_output_tokens: number | null;
  temperature: number | null;
  top_p: number | null;
  tools: unknown[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
}

export function responseHead(requestId: string, created: number, model: string, b: Json): ResponseHead {
  return {
    id: requestId,
    created_at: created,
    model,
    instructions: typeof b.instructions === 'string' ? b.instructions : null,
    max_output_tokens: typeof b.max_output_tokens === 'number' ? b.max_output_tokens : null,
    temperature: typeof b.temperature === 'number' ? b.temperature : null,
    top_p: typeof b.top_p === 'number' ? b.top_p : null,
    tools: Array.isArray(b.tools) ? b.tools : [],
    tool_choice: b.tool_choice ?? 'auto',
    parallel_tool_calls: b.parallel_tool_calls !== false,
  };
}

/** A response object; `c` absent = still in progress (response.created / in_progress events). */
export function responseJson(head: ResponseHead, c?: Completion) {
  const incomplete =
    c?.finishReason === 'length'
      ? { reason: 'max_output_tokens' }
      : c?.finishReason === 'content_filter'
        ? { reason: 'content_filter' }
        : null;
  return {
    id: head.id,
    object: 'response',
    created_at: head.created_at,
    status: !c ? 'in_progress' : incomplete ? 'incomplete' : 'completed',
    error: null,
    incomplete_details: incomplete,
    instructions: head.instructions,
    max_output_tokens: head.max_output_tokens,
    model: c?.model ?? head.model,
    output: c ? outputItems(c) : [],
    parallel_tool_calls: head.parallel_tool_calls,
    previous_response_id: null,
    store: false,
    temperature: head.temperature,
    text: { format: { type: 'text' } },
    tool_choice: head.tool_choice,
    tools: head.tools,
    top_p: head.top_p,
    truncation: 'disabled',
    usage: c ? responsesUsage(c) : null,
    metadata: {},
    ...(c ? { eco: c.eco, route: c.route, ...(c.warnings.length ? { warnings: c.warnings } : {}) } : {}),
  };
}
