/**
 * The guards around execution, each through yoga: parse-time size limits, NUL in arguments, the
 * wall-time deadline, the body limit, and how errors are masked and logged.
 */
import {
  GraphQLError,
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql/index.js';
import { type Plugin, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log';
import { useArgumentGuard } from './argument-guard';
import { limitRequestBody } from './body-limit';
import { useExecutionDeadline } from './deadline';
import { schema } from './index';
import { createMaskError, useRequestIds } from './mask-errors';
import { MAX_DOCUMENT_NESTING, MAX_DOCUMENT_TOKENS, useParserLimits } from './parse-limits';
import { ForbiddenError } from './types/errors';

async function post(
  yoga: { fetch: (r: Request, ctx: { principal: null; requestId?: string }) => Response | Promise<Response> },
  query: string,
  variables?: Record<string, unknown>,
  requestId?: string,
) {
  const res = await yoga.fetch(
    new Request('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }),
    { principal: null, requestId },
  );
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: any[] } };
}

const yogaWith = (...plugins: Plugin[]) =>
  createYoga<{ principal: null }>({ schema, logging: false, plugins });

describe('parse limits', () => {
  const yoga = yogaWith(useParserLimits());

  it('answers a 10,000-deep selection with a 400 naming the nesting limit, not a 500', async () => {
    let q = 'id';
    for (let i = 0; i < 10_000; i++) q = `a { ${q} }`;
    const res = await post(yoga, `{ ${q} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      {
        message: `the query nests more than ${MAX_DOCUMENT_NESTING} levels of { [ (; at most ${MAX_DOCUMENT_NESTING} are parsed: ask for less nesting`,
        extensions: { code: 'QUERY_TOO_DEEP' },
      },
    ]);
  });

  it('refuses deeply nested list arguments and documents of too many tokens with a 400', async () => {
    const lists = await post(yoga, `{ model(id: ${'['.repeat(5_000)}"x"${']'.repeat(5_000)}) { id } }`);
    expect([lists.status, lists.body.errors?.[0]?.extensions?.code]).toEqual([400, 'QUERY_TOO_DEEP']);
    const wide = await post(yoga, `{ ${'__typename '.repeat(MAX_DOCUMENT_TOKENS)} }`);
    expect(wide.status).toBe(400);
    expect(wide.body.errors?.[0]?.message).toBe(
      `the query has more than ${MAX_DOCUMENT_TOKENS} tokens; send a smaller document (fewer fields, fragments or inline values)`,
    );
  });

  it('still parses ordinary documents and reports syntax errors as before', async () => {
    expect((await post(yoga, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
    const bad = await post(yoga, '{ providers { ');
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('NUL in arguments', () => {
  const yoga = yogaWith(useArgumentGuard());
  const refusal = (field: string, of: string) => ({
    message: `argument ${field} of ${of} contains a NUL character (\\u0000), which no id, name or text may hold: remove it`,
    code: 'BAD_USER_INPUT',
    field,
  });
  const errors = async (query: string, variables?: Record<string, unknown>) => {
    const res = await post(yoga, query, variables);
    expect(res.body.data).toBeUndefined(); // refused before any resolver (none has a database here)
    return res.body.errors?.map((e) => ({ message: e.message, ...e.extensions }));
  };

  it('is refused as bad user input in literals, variables, input objects and JSON, before anything runs', async () => {
    expect(await errors('{ provider(id: "a\\u0000b") { id } }')).toEqual([refusal('id', 'provider')]);
    expect(await errors('query($i: ID!) { model(id: $i) { id } }', { i: 'x\u0000' })).toEqual([
      refusal('id', 'model'),
    ]);
    expect(await errors('{ endpoints(filter: { country: "F\\u0000R" }) { id } }')).toEqual([
      refusal('filter', 'endpoints'),
    ]);
    expect(
      await errors(
        'mutation($c: JSON) { complete(input: { model: "m", messages: [{ role: "user", content: $c }] }) { __typename } }',
        {
          c: { 'k\u0000': 'v' },
        },
      ),
    ).toEqual([refusal('input', 'complete')]);
  });
});

describe('deadline', () => {
  let started = 0;
  const slow = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        items: {
          type: new GraphQLList(GraphQLInt),
          resolve: () => {
            started++;
            return new Promise(() => {}); // never settles, like a query stuck on a lock
          },
        },
      },
    }),
  });

  it('stops an operation past its wall time with a clear error instead of holding the client', async () => {
    const yoga = createYoga<{ principal: null; requestId?: string }>({
      schema: slow,
      logging: false,
      plugins: [useExecutionDeadline(50)],
    });
    const res = await post(yoga, '{ items }', undefined, 'req_slow1');
    expect(started).toBe(1);
    expect(res.status).toBe(503);
    expect(res.body.errors).toEqual([
      {
        message:
          'the query ran for more than 50 ms and was stopped: ask for fewer objects or narrower filters, or retry later',
        extensions: { code: 'QUERY_TIMEOUT', deadlineMs: 50, requestId: 'req_slow1' },
      },
    ]);
  });
});

describe('body limit', () => {
  const body = (n: number) => new Uint8Array(n).fill(0x20);

  it('refuses a declared length over the limit with a 413 saying the limit', async () => {
    const res = await limitRequestBody(
      new Request('http://t/graphql', {
        method: 'POST',
        headers: { 'content-length': '2000' },
        body: body(2_000),
      }),
      1_000,
    );
    expect(res).toBeInstanceOf(Response);
    const r = res as Response;
    expect(r.status).toBe(413);
    expect((await r.json()).errors[0]).toEqual({
      message:
        'the request body is 2000 bytes; /graphql accepts at most 1000 bytes (LOWROUTER_MAX_BODY_BYTES): send a smaller query or fewer variables',
      extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes: 1000 },
    });
  });

  it('cuts a streamed body off once it passes the limit, and passes a small one through intact', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(body(400));
      }, // endless
    });
    const req = new Request('http://t/graphql', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const res = await limitRequestBody(req, 1_000);
    expect((res as Response).status).toBe(413);
    expect(pulled).toBeLessThan(10);
    const ok = await limitRequestBody(
      new Request('http://t/graphql', { method: 'POST', body: '{"query":"{ __typename }"}' }),
      1_000,
    );
    expect(ok).toBeInstanceOf(Request);
    expect(await (ok as Request).text()).toBe('{"query":"{ __typename }"}');
  });
});

describe('body limit, client gone', () => {
  it('answers a body that breaks off mid-upload with a 400, not an unhandled error', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error('socket hang up'));
      },
    });
    const req = new Request('http://t/graphql', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(((await limitRequestBody(req, 1_000)) as Response).status).toBe(400);
  });
});

describe('masking and logging', () => {
  const lines: { level: string; msg: string; requestId?: string; error?: string }[] = [];
  const log = createLogger('debug', (l) => lines.push(JSON.parse(l)));
  const boom = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        crash: {
          type: GraphQLString,
          resolve: () => {
            throw new Error('select * from api_keys failed at /src/db/client.ts');
          },
        },
        forbidden: {
          type: GraphQLString,
          resolve: () => {
            throw new ForbiddenError('only the instance admin can act on another organisation');
          },
        },
        refused: {
          type: GraphQLString,
          resolve: () => {
            throw new GraphQLError('bad limit', { extensions: { code: 'BAD_USER_INPUT' } });
          },
        },
      },
    }),
  });
  const yoga = createYoga<{ principal: null; requestId?: string }>({
    schema: boom,
    logging: false,
    plugins: [useRequestIds()],
    maskedErrors: { errorMessage: 'Unexpected error inside LowRouter.', maskError: createMaskError(log) },
  });

  it('hides an unexpected error behind a request id that the error-level log line carries too', async () => {
    lines.length = 0;
    const res = await post(yoga, '{ crash }', undefined, 'req_test123');
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/select|\/src\/|api_keys/);
    expect(res.body.errors?.[0]).toMatchObject({
      message:
        'Unexpected error inside LowRouter. The request id is req_test123: quote it when you report this.',
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req_test123' },
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        requestId: 'req_test123',
        error: expect.stringMatching(/select/),
      }),
    ]);
  });

  it('turns an escaped typed error into its code, and logs refusals of user input at info only', async () => {
    lines.length = 0;
    const res = await post(yoga, '{ forbidden refused }');
    expect(res.body.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ['only the instance admin can act on another organisation', 'FORBIDDEN'],
      ['bad limit', 'BAD_USER_INPUT'],
    ]);
    const bad = await post(yoga, '{ nope }');
    expect(bad.body.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    // The two refusals at info; a validation error is not logged at all.
    expect(lines.map((l) => l.level)).toEqual(['info', 'info']);
  });
});
