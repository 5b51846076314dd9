/**
 * The shape limits every inbound request body passes before anything else reads it, checked by one
 * iterative walk over the parsed JSON (a recursive one is exactly what a hostile body overflows):
 *
 * - nesting at most MAX_JSON_DEPTH levels anywhere (later code may JSON.stringify it, which recurses);
 * - identifiers (model, names, ids, tool names, route fields, `models`, `user`, `stop`, enum values, and
 *   every field name outside free text) at most MAX_IDENTIFIER_CHARS characters and free of NUL, which
 *   PostgreSQL refuses in text and jsonb — a NUL there used to reach the request row and fail it (500);
 * - free text (message content, tool-call arguments, tool descriptions and JSON schemas, and unknown
 *   top-level fields, which are dropped) only the depth limit: its size is bounded by the body limit, it
 *   goes to the upstream verbatim, and LowRouter never stores prompt or completion text.
 *
 * The first problem found is returned with the field path, clipped so an error never echoes more than
 * ~100 characters of what the client sent.
 */

export const MAX_JSON_DEPTH = 64;
export const MAX_IDENTIFIER_CHARS = 256;
/** Field names outside free text are the protocol's own, all short. */
export const MAX_FIELD_NAME_CHARS = 64;
const ECHO_CHARS = 100;

export type ShapeResult = { ok: true } | { ok: false; path: string; message: string };

/** At most `max` characters of client-supplied text, with an ellipsis when cut. */
export function clip(text: string, max = ECHO_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Top-level fields whose strings are identifiers; any other top-level field is free text. */
const IDENTIFIER_ROOTS = new Set([
  'model',
  'models',
  'messages',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'user',
  'stream',
  'stream_options',
  'n',
  'route',
]);

/** True when the value at `path` (below the root) is free text: its whole subtree is. */
function isFreeText(path: readonly (string | number)[]): boolean {
  const [root, , field, , , leaf] = path;
  if (path.length === 1) return !IDENTIFIER_ROOTS.has(String(root));
  if (root === 'messages') {
    if (field === 'content' || field === 'refusal') return true;
    // messages.N.tool_calls.M.function.arguments
    return field === 'tool_calls' && path[4] === 'function' && leaf === 'arguments';
  }
  if (root === 'tools')
    return path[2] === 'function' && (path[3] === 'description' || path[3] === 'parameters');
  if (root === 'response_format')
    return path[1] === 'json_schema' && (path[2] === 'schema' || path[2] === 'description');
  return false;
}

const pathText = (path: readonly (string | number)[]) =>
  clip(path.map((p) => (typeof p === 'string' ? clip(p, 40) : String(p))).join('.') || 'body');

interface Frame {
  value: unknown;
  path: (string | number)[];
  free: boolean;
}

/** Walks `body` with an explicit stack (no recursion); see the file comment for the rules. */
export function checkRequestShape(body: unknown): ShapeResult {
  const stack: Frame[] = [{ value: body, path: [], free: false }];
  while (stack.length) {
    const { value, path, free } = stack.pop()!;
    if (typeof value === 'string') {
      if (free) continue;
      if (value.includes('\u0000'))
        return { ok: false, path: pathText(path), message: 'must not contain the NUL character (\\u0000)' };
      if (value.length > MAX_IDENTIFIER_CHARS)
        return {
          ok: false,
          path: pathText(path),
          message: `at most ${MAX_IDENTIFIER_CHARS} characters, got ${value.length}`,
        };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH)
      return { ok: false, path: pathText(path), message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const child = [...path, i];
        stack.push({ value: value[i], path: child, free: free || isFreeText(child) });
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      const child = [...path, key];
      if (!free) {
        if (key.includes('\u0000'))
          return {
            ok: false,
            path: pathText(child),
            message: 'field names must not contain the NUL character (\\u0000)',
          };
        if (key.length > MAX_FIELD_NAME_CHARS)
          return {
            ok: false,
            path: pathText(child),
            message: `field names are at most ${MAX_FIELD_NAME_CHARS} characters, got ${key.length}`,
          };
      }
      stack.push({
        value: (value as Record<string, unknown>)[key],
        path: child,
        free: free || isFreeText(child),
      });
    }
  }
  return { ok: true };
}
