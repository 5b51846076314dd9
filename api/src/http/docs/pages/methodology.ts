/** /docs/sustainable-ai/methodology: the methodology (moved from /methodology), a worked example, grid provenance. */
import { methodologyArticle } from '../../methodology-page';
import type { DocsContext } from '../context';
import { html, type Raw } from '../html';
import { gridProvenance, workedExample } from './sustainable';

export function methodologyPage(ctx: DocsContext): Raw {
  return methodologyArticle(
    ctx.methodology,
    undefined,
    html`${workedExample(ctx)}
${gridProvenance(ctx)}`,
  );
}
