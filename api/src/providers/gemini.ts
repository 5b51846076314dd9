/**
 * Google Gemini (Generative Language API, and Gemini on Vertex) adapter: request building here, parsing in
 * gemini-parse.ts. Mapping (PROTOCOLS.md §6):
 * - system/developer → `systemInstruction`; assistant → role `model`; tool results → `functionResponse`
 *   parts in ONE user turn, linked by the tool NAME (found from the id in the earlier assistant turn);
 * - the model travels in the URL; streams always use `:streamGenerateContent?alt=sse`;
 * - JSON-Schema keywords Gemini's OpenAPI subset rejects (`$schema`, `additionalProperties`, …) are stripped
 *   from tool parameters and response schemas;
 * - `user` and `parallel_tool_calls: false` have no equivalent → warnings.
 */
import type { ProtocolAdapter } from './adapter';
import { type CanonicalRequest, requestedMaxTokens, stopSequences, textOf, type Warning } from './canonical';
import { parseToolInput } from './anthropic';
import { createGeminiStreamParser, parseGeminiError, parseGeminiResponse } from './gemini-parse';
import { providerError } from './provider-error';
import { authHeaderFor, type BuildResult, baseContext, buildUrl, finishBody, type Target } from './target';

type Part = Record<string, unknown>;
type Content = { role: 'user' | 'model'; parts: Part[] };

const DROPPED_SCHEMA_KEYS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'additionalProperties',
  'strict',
  'examples',
]);

/** JSON Schema → the OpenAPI subset Gemini accepts (recursively). A string `const` becomes a one-value `enum`. */
export function sanitizeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(sanitizeSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
    if (DROPPED_SCHEMA_KEYS.has(k)) continue;
    if (k === 'const') {
      if (typeof v === 'string') out['enum'] = [v]; // Gemini enums are string-only
    } else if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([name, s]) => [name, sanitizeSchema(s)]),
      );
    } else out[k] = sanitizeSchema(v);
  }
  return out;
}

const MIME_BY_EXT: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
};

function imagePart(url: string): Part | undefined {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { inlineData: { mimeType: data[1], data: data[2] } };
  if (!/^https?:\/\//i.test(url)) return undefined;
  const ext = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? '';
  return { fileData: { mimeType: MIME_BY_EXT[ext] ?? 'image/jpeg', fileUri: url } };
}

/** A tool message's text → the object `functionResponse.response` must be. */
function toolResponse(text: string): Record<string, unknown> {
  const parsed = parseToolInput(text);
  return parsed && text.trim() !== '' ? parsed : { content: text };
}

type Fail = { param: string; message: string };

function convert(req: CanonicalRequest): { contents: Content[] } | Fail {
  const contents: Content[] = [];
  const names = new Map<string, string>();
  const push = (role: Content['role'], parts: Part[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const [i, m] of req.messages.entries()) {
    if (m.role === 'system' || m.role === 'developer') continue;
    if (m.role === 'user') {
      if (typeof m.content === 'string') {
        push('user', m.content === '' ? [] : [{ text: m.content }]);
        continue;
      }
      const parts: Part[] = [];
      for (const [j, p] of m.content.entries()) {
        if (p.type === 'text') {
          if (p.text !== '') parts.push({ text: p.text });
          continue;
        }
        const img = imagePart(p.image_url.url);
        if (!img)
          return {
            param: `messages[${i}].content[${j}].image_url.url`,
            message: 'image_url must be an http(s) or base64 data URL',
          };
        parts.push(img);
      }
      push('user', parts);
    } else if (m.role === 'assistant') {
      const parts: Part[] = [];
      const text = textOf(m.content);
      if (text !== '') parts.push({ text });
      for (const [j, tc] of (m.tool_calls ?? []).entries()) {
        const args = parseToolInput(tc.function.arguments);
        if (!args)
          return {
            param: `messages[${i}].tool_calls[${j}].function.arguments`,
            message: 'tool call arguments must be a JSON object',
          };
        names.set(tc.id, tc.function.name);
        parts.push({ functionCall: { name: tc.function.name, args } });
      }
      push('model', parts);
    } else {
      const name = names.get(m.tool_call_id);
      if (!name)
        return {
          param: `messages[${i}].tool_call_id`,
          message: `tool_call_id '${m.tool_call_id}' matches no earlier tool call`,
        };
      push('user', [{ functionResponse: { name, response: toolResponse(textOf(m.content)) } }]);
    }
  }
  return { contents };
}

function toolConfig(req: CanonicalRequest): Record<string, unknown> | undefined {
  const c = req.tool_choice;
  if (c === undefined || !req.tools?.length) return undefined;
  if (typeof c === 'object')
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [c.function.name] } };
  return { functionCallingConfig: { mode: c === 'required' ? 'ANY' : c === 'none' ? 'NONE' : 'AUTO' } };
}

export function buildGeminiRequest(req: CanonicalRequest, target: Target): BuildResult {
  const context = baseContext(req, target);
  const converted = convert(req);
  if ('param' in converted) {
    return {
      ok: false,
      error: providerError({
        kind: 'bad_request',
        status: 400,
        retryable: false,
        provider: target.provider.id,
        ...converted,
      }),
    };
  }
  const warnings: Warning[] = [];
  const warn = (param: string) =>
    warnings.push({
      code: 'unsupported_parameter',
      param,
      message: `${param} is not supported by Gemini and was ignored`,
    });
  if (req.user !== undefined) warn('user');
  if (req.parallel_tool_calls === false) warn('parallel_tool_calls');

  const system = req.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => textOf(m.content))
    .filter((t) => t !== '')
    .join('\n\n');
  const stop = stopSequences(req);
  const rf = req.response_format;
  const generationConfig = Object.fromEntries(
    Object.entries({
      temperature: req.temperature,
      topP: req.top_p,
      maxOutputTokens: requestedMaxTokens(req),
      stopSequences: stop.length ? stop : undefined,
      seed: req.seed,
      presencePenalty: req.presence_penalty,
      frequencyPenalty: req.frequency_penalty,
      responseMimeType: rf && rf.type !== 'text' ? 'application/json' : undefined,
      responseSchema:
        rf?.type === 'json_schema' && rf.json_schema.schema
          ? sanitizeSchema(rf.json_schema.schema)
          : undefined,
    }).filter(([, v]) => v !== undefined && v !== null),
  );
  const body: Record<string, unknown> = {
    contents: converted.contents,
    systemInstruction: system ? { parts: [{ text: system }] } : undefined,
    generationConfig: Object.keys(generationConfig).length ? generationConfig : undefined,
    tools: req.tools?.length
      ? [
          {
            functionDeclarations: req.tools.map((t) => ({
              name: t.function.name,
              description: t.function.description,
              parameters: t.function.parameters ? sanitizeSchema(t.function.parameters) : undefined,
            })),
          },
        ]
      : undefined,
    toolConfig: toolConfig(req),
  };
  const url = new URL(
    buildUrl(target, context.stream, {
      path: '/models/{model}:generateContent',
      streamPath: '/models/{model}:streamGenerateContent?alt=sse',
      versionPrefix: '/v1beta',
    }),
  );
  if (context.stream && !url.searchParams.has('alt')) url.searchParams.set('alt', 'sse');
  return {
    ok: true,
    request: {
      url: url.toString(),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: context.stream ? 'text/event-stream' : 'application/json',
      },
      authHeader: authHeaderFor(target.provider.auth),
      // The model is always in the URL for Gemini.
      body: finishBody({ ...target, provider: { ...target.provider, modelInBody: false } }, body),
      context,
      warnings,
    },
  };
}

export const geminiAdapter: ProtocolAdapter = {
  protocol: 'gemini',
  buildRequest: buildGeminiRequest,
  parseResponse: parseGeminiResponse,
  createStreamParser: createGeminiStreamParser,
  parseError: parseGeminiError,
};
