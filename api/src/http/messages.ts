/**
 * POST /v1/messages: Anthropic's Messages API for clients built on `@anthropic-ai/sdk`, served by
 * whichever provider the route picks (a thin translation, anthropic-messages-wire.ts, to and from the
 * canonical request, through the same pipeline as chat completions). LowRouter's route, eco and cost
 * travel in a top-level `lowrouter` object (in a stream: on the final `message_delta` event) and the
 * x-lowrouter-* headers; errors use Anthropic's envelope and status codes (anthropic-error.ts).
 * Streams follow Anthropic's event grammar: message_start, content_block_start/delta/stop per block,
 * message_delta, message_stop; an upstream failure after the first byte ends with an `error` event.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/key-store';
import type { InferenceDeps, StreamItem } from '../inference/complete';
import { runCompletion } from '../inference/complete';
import { type CanonicalRequest, parseCanonicalRequest } from '../providers/canonical';
import {
  anthropicError,
  anthropicErrorType,
  anthropicFailureReply,
  toAnthropicReply,
} from './anthropic-error';
import {
  anthropicToCanonical,
  anthropicUsage,
  lowrouterBlock,
  messageJson,
  stopReasonOf,
} from './anthropic-messages-wire';
import { writeJson } from './openai-error';
import { writeSse } from './sse-write';
import { badRequest, readSurfaceBody, routeHeaders } from './surface-input';

/**
 * `anthropic-version`: a date, 2023-01-01 or later (the SDKs send their own, newer dates; the request
 * and response shapes this surface speaks are those of 2023-06-01 onwards). Absent is accepted.
 */
const versionOk = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && v >= '2023-01-01';

/** One named SSE event, as Anthropic frames them (`event:` line AND `type` in the data). */
export function sseEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

export async function handleMessages(
  req: IncomingMessage,
  res: ServerResponse,
  deps: InferenceDeps,
  principal: Principal,
  signal: AbortSignal,
): Promise<void> {
  const version = req.headers['anthropic-version'];
  if (typeof version === 'string' && !versionOk(version.trim()))
    return writeJson(
      res,
      anthropicError(
        400,
        `anthropic-version '${version.slice(0, 40)}' is not supported: send a date from 2023-01-01 on, e.g. 2023-06-01`,
      ),
    );
  const read = await readSurfaceBody(req, deps.config, principal);
  if (!read.ok) return writeJson(res, toAnthropicReply(read.reply));
  const translated = anthropicToCanonical(read.body);
  if (!translated.ok)
    return writeJson(
      res,
      toAnthropicReply(
        badRequest(`${translated.param}: ${translated.message}`, 'invalid_request', translated.param),
      ),
    );
  const parsed = parseCanonicalRequest(translated.body);
  if (!parsed.ok) {
    const message = parsed.issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ');
    return writeJson(
      res,
      toAnthropicReply(badRequest(message, 'invalid_request', parsed.issues[0]?.path || null)),
    );
  }
  const request = (
    read.models ? { ...parsed.request, models: read.models } : parsed.request
  ) as CanonicalRequest;
  const outcome = await runCompletion(deps, {
    principal,
    request,
    ...(read.route ? { route: read.route } : {}),
    surface: 'rest',
    signal,
    warnings: [...translated.warnings, ...parsed.warnings],
  });
  if (!outcome.ok) return writeJson(res, anthropicFailureReply(outcome.failure, outcome.requestId));
  if (!outcome.stream) {
    const c = outcome.completion;
    return writeJson(res, {
      status: 200,
      body: messageJson(c),
      headers: { ...routeHeaders(c.id, c.route), 'request-id': c.id },
    });
  }
  const s = outcome.start;
  const opening = sseEvent('message_start', {
    message: {
      id: s.id,
      type: 'message',
      role: 'assistant',
      model: s.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Counts are known when the upstream finishes: message_delta carries them all.
      usage: {
        input_tokens: 0,
        output_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    },
  });
  const encoder = messagesStreamEncoder();
  await writeSse(
    res,
    { ...routeHeaders(s.id, s.route), 'request-id': s.id },
    opening,
    s.items,
    encoder,
    deps.config.streamStallMs,
  );
}

/**
 * The canonical stream items → Anthropic events. Blocks are opened as their first delta arrives and
 * closed when another kind of block starts or the message ends: thinking (reasoning), text, tool_use
 * (one per tool call, its arguments as input_json_delta).
 */
export function messagesStreamEncoder(): (item: StreamItem) => string {
  let index = -1;
  let open: { kind: 'text' | 'thinking' | 'tool'; tool?: number } | undefined;
  const close = () => {
    if (!open) return '';
    open = undefined;
    return sseEvent('content_block_stop', { index });
  };
  const start = (kind: 'text' | 'thinking' | 'tool', block: Record<string, unknown>, tool?: number) => {
    const out = close();
    index++;
    open = { kind, ...(tool !== undefined ? { tool } : {}) };
    return out + sseEvent('content_block_start', { index, content_block: block });
  };
  return (item) => {
    if (item.type === 'delta') {
      const ev = item.event;
      if (ev.type === 'text') {
        const head = open?.kind === 'text' ? '' : start('text', { type: 'text', text: '' });
        return (
          head + sseEvent('content_block_delta', { index, delta: { type: 'text_delta', text: ev.text } })
        );
      }
      if (ev.type === 'reasoning') {
        const head =
          open?.kind === 'thinking'
            ? ''
            : start('thinking', { type: 'thinking', thinking: '', signature: '' });
        return (
          head +
          sseEvent('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: ev.text } })
        );
      }
      const head =
        open?.kind === 'tool' && open.tool === ev.index
          ? ''
          : start(
              'tool',
              { type: 'tool_use', id: ev.id ?? `toolu_${ev.index}`, name: ev.name ?? '', input: {} },
              ev.index,
            );
      return ev.arguments
        ? head +
            sseEvent('content_block_delta', {
              index,
              delta: { type: 'input_json_delta', partial_json: ev.arguments },
            })
        : head;
    }
    if (item.type === 'final') {
      const c = item.completion;
      return (
        close() +
        sseEvent('message_delta', {
          delta: { stop_reason: stopReasonOf(c), stop_sequence: null },
          usage: anthropicUsage(c),
          lowrouter: lowrouterBlock(c),
        }) +
        sseEvent('message_stop', {})
      );
    }
    const overloaded = item.error.kind === 'overloaded' || item.error.status === 529;
    return sseEvent('error', {
      error: {
        type: overloaded ? 'overloaded_error' : anthropicErrorType(item.error.kind === 'timeout' ? 504 : 500),
        message: `upstream failed mid-stream: ${item.error.kind}: ${item.error.message}`,
        code: item.error.kind,
        requestId: item.requestId,
      },
    });
  };
}
