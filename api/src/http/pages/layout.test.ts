import { describe, expect, it } from 'vitest';
import { cards, html, raw, renderPage } from './layout';

describe('html', () => {
  it('escapes interpolated text and keeps raw markup', () => {
    const name = `<img src=x onerror="alert('1')">`;
    expect(html`<p title="${name}">${name}${raw('<b>ok</b>')}</p>`.html).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;">&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;<b>ok</b></p>',
    );
  });

  it('joins arrays and prints nothing for null, undefined and false', () => {
    expect(html`${[1, '<', [html`<i>x</i>`]]}${null}${undefined}${false}`.html).toBe('1&lt;<i>x</i>');
  });
});

describe('renderPage', () => {
  const page = renderPage({
    title: 'A & B',
    description: 'd "q"',
    stylesheets: ['/assets/style-1.css'],
    scripts: ['/assets/enhance-1.js'],
    current: '/footprint',
    bodyClass: 'docs',
    main: html`<h1>Hello</h1>`,
  });

  it('is one document with the shared stylesheet, the nav marking the current page, and the main', () => {
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain('<title>A &amp; B · LowRouter</title>');
    expect(page).toContain('<meta name="description" content="d &quot;q&quot;">');
    expect(page).toContain('<link rel="stylesheet" href="/assets/style-1.css">');
    expect(page).toContain('<script type="module" src="/assets/enhance-1.js"></script>');
    expect(page).toContain('<li><a href="/footprint" aria-current="page">Footprint</a></li>');
    expect(page).toContain('<li><a href="/">Models</a></li>');
    expect(page).toContain('<body class="docs">');
    expect(page).toContain('<main id="main">\n<h1>Hello</h1>\n</main>');
    expect(page).not.toMatch(/style=|<style|<script>/);
  });

  it('has no script unless the page asks for one', () => {
    const plain = renderPage({ title: 't', stylesheets: [], main: html`` });
    expect(plain).not.toMatch(/<script/);
    expect(plain).toContain('<body>');
  });
});

describe('cards', () => {
  it('labels every cell with its column for the narrow layout', () => {
    expect(cards([['Name'], ['Price', 'num']], [['a<b', 3]], { caption: 'Prices' }).html).toBe(
      `<div class="table-wrap"><table class="cards">
<caption>Prices</caption>
<thead><tr><th scope="col">Name</th><th scope="col" class="num">Price</th></tr></thead>
<tbody>
<tr><td data-label="Name">a&lt;b</td><td data-label="Price" class="num">3</td></tr>
</tbody>
</table></div>`,
    );
  });
});
