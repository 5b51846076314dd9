/** A few lines instead of a framework: build elements with text children only (never innerHTML). */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined>;

/** `h('td', { class: 'num', 'data-label': 'Price' }, '$1.00')`. Strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) el.setAttribute(name, '');
    else if (value !== false && value != null) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Replaces everything inside `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** `<option>`s for a `<select>`, the first one meaning "any". */
export function options(anyLabel: string, items: readonly (readonly [string, string])[], selected: string) {
  return [
    h('option', { value: '' }, anyLabel),
    ...items.map(([value, label]) => h('option', { value, selected: value === selected }, label)),
  ];
}
