/**
 * Mistral chat adapter. The wire is OpenAI-shaped (responses and streams are parsed by openai-wire.ts) with
 * these differences (PROTOCOLS.md §5):
 * - tool-call ids must match `[A-Za-z0-9]{9}`: ids from other providers in the history are remapped to
 *   9-character ids derived from a hash (deterministic per request, collision-free within it), and mapped
 *   back on the way down through `context.toolIdsFromWire`; Mistral's own ids pass through unchanged;
 * - `seed` is spelled `random_seed`; tool_choice `required` is spelled `any`;
 * - `stream_options` is rejected, but usage always arrives in the last chunk anyway;
 * - the API rejects unknown fields (422), so only supported fields are sent and `user` is dropped with a warning.
 */
import { createHash } from 'node:crypto';
import type { ProtocolAdapter } from './adapter';
import { type CanonicalRequest, type Message, requestedMaxTokens, textOf, type Warning } from './canonical';
import {
  createOpenAIStyleStreamParser,
  parseOpenAIStyleError,
  parseOpenAIStyleResponse,
} from './openai-wire';
import { authHeaderFor, type BuildResult, baseContext, buildUrl, finishBody, type Target } from './target';

const MISTRAL_ID = /^[A-Za-z0-9]{9}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function nineChars(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < 9; i++) out += BASE62[digest[i]! % 62];
  return out;
}

/**
 * Canonical tool-call ids in a conversation → Mistral-legal ids. Returns both directions.
 * Ids that are already legal are kept; others hash to 9 base62 characters, salted on collision.
 */
export function mapToolIdsForMistral(messages: readonly Message[]): {
  toWire: Map<string, string>;
  fromWire: Record<string, string>;
} {
  const toWire = new Map<string, string>();
  const fromWire: Record<string, string> = {};
  const ids: string[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') for (const tc of m.tool_calls ?? []) ids.push(tc.id);
    if (m.role === 'tool') ids.push(m.tool_call_id);
  }
  // Legal ids first, so a hashed id can never take the place of one the conversation already uses.
  for (const id of ids) {
    if (MISTRAL_ID.test(id) && !toWire.has(id)) {
      toWire.set(id, id);
      fromWire[id] = id;
    }
  }
  for (const id of ids) {
    if (toWire.has(id)) continue;
    let salt = 0;
    let wire = nineChars(id);
    while (fromWire[wire] !== undefined) wire = nineChars(`${id}#${++salt}`);
    toWire.set(id, wire);
    fromWire[wire] = id;
  }
  return { toWire, fromWire };
}

function convertMessages(
  messages: readonly Message[],
  toWire: Map<string, string>,
): Record<string, unknown>[] {
  const names = new Map<string, string>();
  return messages.map((m) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(m.content) };
      case 'user':
        return {
          role: 'user',
          content:
            typeof m.content === 'string'
              ? m.content
              : m.content.map((p) =>
                  p.type === 'text'
                    ? { type: 'text', text: p.text }
                    : { type: 'image_url', image_url: p.image_url.url },
                ),
        };
      case 'assistant': {
        const out: Record<string, unknown> = { role: 'assistant', content: textOf(m.content) };
        if (m.tool_calls?.length) {
          out['tool_calls'] = m.tool_calls.map((tc) => {
            names.set(tc.id, tc.function.name);
            return {
              id: toWire.get(tc.id) ?? tc.id,
              type: 'function',
              function: { name: tc.function.name, arguments: tc.function.arguments },
            };
          });
        }
        return out;
      }
      default: {
        // role 'tool'
        const out: Record<string, unknown> = {
          role: 'tool',
          tool_call_id: toWire.get(m.tool_call_id) ?? m.tool_call_id,
          content: textOf(m.content),
        };
        const name = names.get(m.tool_call_id);
        if (name) out['name'] = name;
        return out;
      }
    }
  });
}

export function buildMistralRequest(req: CanonicalRequest, target: Target): BuildResult {
  const context = baseContext(req, target);
  const { toWire, fromWire } = mapToolIdsForMistral(req.messages);
  context.toolIdsFromWire = fromWire;
  const warnings: Warning[] = [];
  if (req.user !== undefined) {
    warnings.push({
      code: 'unsupported_parameter',
      param: 'user',
      message: 'user is not supported by Mistral and was ignored',
    });
  }
  const body: Record<string, unknown> = {
    model: target.endpoint.upstreamModel,
    messages: convertMessages(req.messages, toWire),
    temperature: req.temperature ?? undefined,
    top_p: req.top_p ?? undefined,
    max_tokens: requestedMaxTokens(req),
    stop: req.stop ?? undefined,
    random_seed: req.seed ?? undefined,
    response_format: req.response_format,
    tools: req.tools,
    tool_choice: req.tool_choice === 'required' ? 'any' : req.tool_choice,
    parallel_tool_calls: req.parallel_tool_calls,
    presence_penalty: req.presence_penalty ?? undefined,
    frequency_penalty: req.frequency_penalty ?? undefined,
    stream: context.stream ? true : undefined,
  };
  return {
    ok: true,
    request: {
      url: buildUrl(target, context.stream, { path: '/chat/completions', versionPrefix: '/v1' }),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: context.stream ? 'text/event-stream' : 'application/json',
      },
      authHeader: authHeaderFor(target.provider.auth),
      body: finishBody(target, body),
      context,
      warnings,
    },
  };
}

const fromWireId = (ctx: { toolIdsFromWire?: Record<string, string> }) => (wireId: string) =>
  ctx.toolIdsFromWire?.[wireId] ?? wireId;

export const mistralAdapter: ProtocolAdapter = {
  protocol: 'mistral',
  buildRequest: buildMistralRequest,
  parseResponse: (json, ctx) => parseOpenAIStyleResponse(json, ctx, { mapToolId: fromWireId(ctx) }),
  createStreamParser: (ctx) => createOpenAIStyleStreamParser(ctx, { mapToolId: fromWireId(ctx) }),
  parseError: parseOpenAIStyleError,
};
