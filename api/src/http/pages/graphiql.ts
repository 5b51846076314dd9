/**
 * GraphiQL served from this gateway, offline: the page yoga renders for a browser's GET /graphql is
 * ours, and its code and styles come from the installed @graphql-yoga/graphiql package under
 * /graphiql/* (no CDN, no inline script). The page has a field for an API key, kept in the tab's
 * sessionStorage under the same item as the dashboard's sign-in, and sent as `Authorization: Bearer`
 * with every request the explorer makes (introspection needs a key).
 *
 * The bundle is large (~5 MB, ~1 MB compressed): it is a developer tool, not one of the public pages
 * the 100 KB budget covers. Files are read once and compressed once per encoding at a fast level.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { FAVICON, html } from './layout';

/** Where the page's files are served. */
export const GRAPHIQL_PREFIX = '/graphiql/';

/** The GraphiQL page's policy: same-origin code only; React and Monaco set inline styles. */
export const GRAPHIQL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; worker-src 'self'; base-uri 'none'; frame-ancestors 'none'; " +
  "form-action 'self'";

/** Files of the package's dist/ that the page uses, by URL name. */
const PACKAGE_FILES: Record<string, string> = {
  'yoga-graphiql.umd.js': 'yoga-graphiql.umd.js',
  'graphiql.css': 'graphiql.css',
  'editor.worker.js': 'monacoeditorwork/editor.worker.bundle.js',
  'json.worker.js': 'monacoeditorwork/json.worker.bundle.js',
  'graphql.worker.js': 'monacoeditorwork/graphql.worker..bundle.js',
};

/** Starts the explorer with the key of this tab (external file: the CSP allows no inline script). */
const START_JS = `// LowRouter: starts GraphiQL with the API key of this tab.
(function () {
  var ITEM = 'lowrouter.apiKey';
  var get = function () { try { return sessionStorage.getItem(ITEM) || ''; } catch (e) { return ''; } };
  var form = document.getElementById('key-form');
  var input = document.getElementById('api-key');
  var status = document.getElementById('key-status');
  var forget = document.getElementById('key-forget');
  var key = get();
  status.textContent = key
    ? 'Key set for this tab: sent as Authorization: Bearer ' + key.slice(0, 7) + '\\u2026'
    : 'No key: public queries only (the schema explorer needs a key).';
  forget.hidden = !key;
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var v = input.value.trim();
    if (!v) { input.focus(); return; }
    sessionStorage.setItem(ITEM, v);
    location.reload();
  });
  forget.addEventListener('click', function () { sessionStorage.removeItem(ITEM); location.reload(); });
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_id, label) {
      return '${GRAPHIQL_PREFIX}' + (label === 'json' ? 'json' : label === 'graphql' ? 'graphql' : 'editor') + '.worker.js';
    },
  };
  var root = document.getElementById('graphiql');
  root.textContent = '';
  YogaGraphiQL.renderYogaGraphiQL(root, {
    endpoint: '/graphql',
    title: 'LowRouter GraphQL',
    // yoga's explorer starts from ?query= (it keeps the edited query there), else from this.
    query: '# The catalog is public; usage, credits and keys need a key.\\n{\\n  models(limit: 5) {\\n    id\\n    name\\n    tier\\n  }\\n}\\n',
    additionalHeaders: key ? { Authorization: 'Bearer ' + key } : {},
    shouldPersistHeaders: false,
    credentials: 'omit',
  });
})();
`;

const PAGE_CSS = `body{margin:0;height:100vh;display:flex;flex-direction:column;font-family:system-ui,sans-serif}
.keybar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.5rem 1rem;border-bottom:1px solid #8884;font-size:.9rem}
.keybar a{font-weight:700;color:inherit;text-decoration:none}
.keybar input{width:16rem;max-width:60vw;font:inherit;padding:.2rem .4rem}
.keybar button{font:inherit;padding:.2rem .6rem}
#key-status{color:#777}
#graphiql{flex:1;min-height:0}
@media (prefers-color-scheme:dark){body{background:#15181c;color:#e6e6e6}}
`;

/** The HTML yoga answers a browser's GET /graphql with. */
export function renderGraphiqlPage(): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>GraphQL explorer · LowRouter</title>
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="${GRAPHIQL_PREFIX}graphiql.css">
<link rel="stylesheet" href="${GRAPHIQL_PREFIX}page.css">
<script src="${GRAPHIQL_PREFIX}yoga-graphiql.umd.js" defer></script>
<script src="${GRAPHIQL_PREFIX}start.js" defer></script>
</head>
<body>
<form class="keybar" id="key-form" autocomplete="off">
<a href="/">LowRouter</a>
<label>API key <input id="api-key" name="key" type="password" placeholder="lr_…" spellcheck="false"></label>
<button type="submit">Use key</button>
<button type="button" id="key-forget" hidden>Forget key</button>
<span id="key-status" role="status"></span>
</form>
<div id="graphiql">Loading the GraphQL explorer…</div>
<noscript><p>The explorer needs JavaScript. The API works without it: <code>curl -H 'content-type: application/json' -d '{"query":"{ models { id } }"}' /graphql</code>. The schema is in <code>api/schema.graphql</code>.</p></noscript>
</body>
</html>
`.html;
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

interface Asset {
  bytes: Buffer;
  type: string;
  etag: string;
  variants: Map<'br' | 'gzip', Promise<Buffer>>;
}

/** Serves /graphiql/* from the installed package (and the two small files above). */
export function createGraphiqlAssets(): { fetch(request: Request): Promise<Response | null> } {
  let dist: string | undefined;
  const distDir = () => {
    dist ??= join(
      dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json')),
      'dist',
    );
    return dist;
  };
  const assets = new Map<string, Promise<Asset | null>>();
  const load = (name: string): Promise<Asset | null> => {
    let a = assets.get(name);
    if (!a) {
      const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
      const bytes =
        name === 'start.js'
          ? Promise.resolve(Buffer.from(START_JS))
          : name === 'page.css'
            ? Promise.resolve(Buffer.from(PAGE_CSS))
            : PACKAGE_FILES[name]
              ? readFile(join(distDir(), PACKAGE_FILES[name]))
              : null;
      a = bytes
        ? bytes.then((b) => ({
            bytes: b,
            type,
            etag: `"${createHash('sha256').update(b).digest('base64url').slice(0, 22)}"`,
            variants: new Map(),
          }))
        : Promise.resolve(null);
      assets.set(name, a);
      a.catch(() => assets.delete(name));
    }
    return a;
  };
  return {
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (!path.startsWith(GRAPHIQL_PREFIX)) return null;
      const asset = await load(path.slice(GRAPHIQL_PREFIX.length));
      if (!asset) return null;
      const headers = new Headers({
        'content-type': asset.type,
        etag: asset.etag,
        'cache-control': 'no-cache',
        vary: 'accept-encoding',
        'x-content-type-options': 'nosniff',
      });
      if (request.headers.get('if-none-match') === asset.etag)
        return new Response(null, { status: 304, headers });
      const accept = request.headers.get('accept-encoding') ?? '';
      const enc = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
      let body = asset.bytes;
      if (enc && body.byteLength > 1024) {
        let v = asset.variants.get(enc);
        if (!v) {
          v =
            enc === 'br'
              ? brotli(body, {
                  params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
                })
              : gz(body, { level: 6 });
          asset.variants.set(enc, v);
        }
        body = await v;
        headers.set('content-encoding', enc);
      }
      headers.set('content-length', String(body.byteLength));
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
    },
  };
}
