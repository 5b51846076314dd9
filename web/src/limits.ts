/**
 * What the eco figures leave out, said next to every carbon chart and table, with a link to the
 * methodology's list (api: methodology.limits; /methodology#limits).
 */
import { h } from './dom';

export const LIMITS = 'inference only, no embodied carbon, annual grid averages, embeddings not modelled';

/** "Energy and gCO2e are estimates: … How they are computed." as a <p> (or a <span> for captions). */
export function limitsNote(tag: 'p' | 'span' = 'p'): HTMLElement {
  return h(
    tag,
    { class: 'note limits' },
    `Energy and gCO2e are estimates: ${LIMITS}. `,
    h('a', { href: '/methodology#limits' }, 'What they leave out'),
    '.',
  );
}
