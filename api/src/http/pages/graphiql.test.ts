import { describe, expect, it } from 'vitest';
import { GRAPHIQL_PREFIX, createGraphiqlAssets, renderGraphiqlPage } from './graphiql';

describe('the GraphiQL page', () => {
  it('loads nothing from another origin and has no inline script', () => {
    const page = renderGraphiqlPage();
    for (const ref of page.matchAll(/(?:src|href)="([^"]+)"/g))
      expect(ref[1]!.startsWith('/') || ref[1]!.startsWith('data:'), ref[1]).toBe(true);
    expect(page).not.toMatch(/<script>/);
    for (const src of page.matchAll(/<script src="([^"]+)"/g))
      expect(src[1]!.startsWith(GRAPHIQL_PREFIX)).toBe(true);
    expect(page).toContain('<input id="api-key"');
  });

  it('serves the installed package and the start script, compressed, and nothing else', async () => {
    const assets = createGraphiqlAssets();
    const get = (name: string, enc = 'br') =>
      assets.fetch(
        new Request(`http://test${GRAPHIQL_PREFIX}${name}`, { headers: { 'accept-encoding': enc } }),
      );
    const umd = (await get('yoga-graphiql.umd.js'))!;
    expect(umd.status).toBe(200);
    expect(umd.headers.get('content-encoding')).toBe('br');
    expect(umd.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const start = (await get('start.js', ''))!;
    const js = await start.text();
    expect(js).toContain('sessionStorage.getItem(ITEM)');
    expect(js).toContain("Authorization: 'Bearer ' + key");
    const etag = start.headers.get('etag')!;
    const again = (await assets.fetch(
      new Request(`http://test${GRAPHIQL_PREFIX}start.js`, { headers: { 'if-none-match': etag } }),
    ))!;
    expect(again.status).toBe(304);
    expect((await get('graphql.worker.js', 'gzip'))!.headers.get('content-encoding')).toBe('gzip');
    expect(await get('../package.json')).toBeNull();
    expect(await get('nope.js')).toBeNull();
  });
});
