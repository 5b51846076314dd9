/**
 * POST /v1/responses: OpenAI's Responses API for the `openai` SDK's `client.responses.create` and the
 * agent frameworks that default to it, served by whichever provider the route picks (a thin
 * translation, responses-wire.ts, through the same pipeline as chat completions). The response object
 * carries `usage.cost`, `eco` and `route` like chat completions; a stream is Responses' typed events
 * (`event:` + `data:` with `type` and `sequence_number`), `response.completed` (or
 * `response.incomplete`) last with the same blocks. Errors use OpenAI's envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/key-store';
import type { Completion, InferenceDeps, StreamItem } from '../inference/complete';
import { runCompletion } from '../inference/complete';
import { type CanonicalRequest, parseCanonicalRequest } from '../providers/canonical';
import { failureReply, writeJson } from './openai-error';
import {
  type ResponseHead,
  itemId,
  responseHead,
  responseJson,
  responsesToCanonical,
} from './responses-wire';
import { writeSse } from './sse-write';
import { badRequest, readSurfaceBody, routeHeaders } from './surface-input';

export async function handleResponses(
  req: IncomingMessage,
  res: ServerResponse,
  deps: InferenceDeps,
  principal: Principal,
  signal: AbortSignal,
): Promise<void> {
  const read = await readSurfaceBody(req, deps.config, principal);
  if (!read.ok) return writeJson(res, read.reply);
  const translated = responsesToCanonical(read.body);
  if (!translated.ok)
    return writeJson(
      res,
      badRequest(
        `${translated.param}: ${translated.message}`,
        translated.param === 'store' ||
          translated.param === 'previous_response_id' ||
          translated.param === 'conversation'
          ? 'storage_not_supported'
          : 'invalid_request',
        translated.param,
      ),
    );
  const parsed = parseCanonicalRequest(translated.body);
  if (!parsed.ok) {
    const message = parsed.issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ');
    return writeJson(res, badRequest(message, 'invalid_request', parsed.issues[0]?.path || null));
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
  if (!outcome.ok) return writeJson(res, failureReply(outcome.failure, outcome.requestId));
  if (!outcome.stream) {
    const c = outcome.completion;
    const head = responseHead(c.id, c.created, c.model, read.body);
    return writeJson(res, { status: 200, body: responseJson(head, c), headers: routeHeaders(c.id, c.route) });
  }
  const s = outcome.start;
  const head = responseHead(s.id, s.created, s.model, read.body);
  const encoder = responsesStreamEncoder(head);
  await writeSse(
    res,
    routeHeaders(s.id, s.route),
    encoder.opening(),
    s.items,
    encoder.encode,
    deps.config.streamStallMs,
  );
}

type Item = Record<string, unknown> & { id: string; type: string };

/**
 * The canonical stream items → Responses events. Each run of text is a `message` item (one
 * output_text part), each tool call a `function_call` item, reasoning a `reasoning` item with one
 * summary part; an item is closed (`…done` events) when the next one starts or the response ends.
 * The terminal response lists exactly the items streamed, at the indexes they were streamed at.
 */
export function responsesStreamEncoder(head: ResponseHead) {
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const items: Item[] = [];
  let open: { item: Item; tool?: number; text: string } | undefined;
  const counters = { msg: 0, fc: 0, rs: 0 };

  const close = (): string => {
    if (!open) return '';
    const { item, text } = open;
    const output_index = items.length - 1;
    open = undefined;
    let out = '';
    if (item.type === 'message') {
      const part = { type: 'output_text', text, annotations: [], logprobs: [] };
      item.content = [part];
      out +=
        ev('response.output_text.done', {
          item_id: item.id,
          output_index,
          content_index: 0,
          text,
          logprobs: [],
        }) + ev('response.content_part.done', { item_id: item.id, output_index, content_index: 0, part });
    } else if (item.type === 'function_call') {
      item.arguments = text;
      out += ev('response.function_call_arguments.done', { item_id: item.id, output_index, arguments: text });
    } else {
      const part = { type: 'summary_text', text };
      item.summary = [part];
      out +=
        ev('response.reasoning_summary_text.done', {
          item_id: item.id,
          output_index,
          summary_index: 0,
          text,
        }) +
        ev('response.reasoning_summary_part.done', {
          item_id: item.id,
          output_index,
          summary_index: 0,
          part,
        });
    }
    item.status = 'completed';
    return out + ev('response.output_item.done', { output_index, item });
  };

  const start = (item: Item, tool?: number): string => {
    const out = close();
    items.push(item);
    open = { item, text: '', ...(tool !== undefined ? { tool } : {}) };
    const output_index = items.length - 1;
    const added = ev('response.output_item.added', { output_index, item: { ...item } });
    if (item.type === 'message') {
      return (
        out +
        added +
        ev('response.content_part.added', {
          item_id: item.id,
          output_index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
        })
      );
    }
    if (item.type === 'reasoning')
      return (
        out +
        added +
        ev('response.reasoning_summary_part.added', {
          item_id: item.id,
          output_index,
          summary_index: 0,
          part: { type: 'summary_text', text: '' },
        })
      );
    return out + added;
  };

  const encode = (x: StreamItem): string => {
    if (x.type === 'delta') {
      const e = x.event;
      let out = '';
      if (e.type === 'text') {
        if (open?.item.type !== 'message')
          out += start({
            id: itemId(head.id, 'msg', counters.msg++),
            type: 'message',
            status: 'in_progress',
            role: 'assistant',
            content: [],
          });
        open!.text += e.text;
        return (
          out +
          ev('response.output_text.delta', {
            item_id: open!.item.id,
            output_index: items.length - 1,
            content_index: 0,
            delta: e.text,
            logprobs: [],
          })
        );
      }
      if (e.type === 'reasoning') {
        if (open?.item.type !== 'reasoning')
          out += start({ id: itemId(head.id, 'rs', counters.rs++), type: 'reasoning', summary: [] });
        open!.text += e.text;
        return (
          out +
          ev('response.reasoning_summary_text.delta', {
            item_id: open!.item.id,
            output_index: items.length - 1,
            summary_index: 0,
            delta: e.text,
          })
        );
      }
      if (open?.item.type !== 'function_call' || open.tool !== e.index)
        out += start(
          {
            id: itemId(head.id, 'fc', counters.fc++),
            type: 'function_call',
            status: 'in_progress',
            call_id: e.id ?? `call_${e.index}`,
            name: e.name ?? '',
            arguments: '',
          },
          e.index,
        );
      open!.text += e.arguments;
      return e.arguments
        ? out +
            ev('response.function_call_arguments.delta', {
              item_id: open!.item.id,
              output_index: items.length - 1,
              delta: e.arguments,
            })
        : out;
    }
    if (x.type === 'final') {
      const c: Completion = x.completion;
      const out = close();
      const response = { ...responseJson(head, c), output: items };
      const type = response.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
      return out + ev(type, { response });
    }
    // Failed after the first byte: OpenAI's `error` event (the SDK throws an APIError).
    return ev('error', {
      code: x.error.kind,
      message: `upstream failed mid-stream: ${x.error.kind}: ${x.error.message}`,
      param: null,
      requestId: x.requestId,
    });
  };

  return {
    opening: () =>
      ev('response.created', { response: responseJson(head) }) +
      ev('response.in_progress', { response: responseJson(head) }),
    encode,
  };
}
