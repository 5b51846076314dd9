/**
 * The dashboard's export buttons: usage, requests and footprint as CSV for the range shown. The exports
 * need the API key as a Bearer header (never in the URL, where it would land in logs and history), so a
 * button fetches the file with the key and hands it to the browser as a download.
 */
import { storedKey } from '../client';
import { type DateRange, addDays } from '../dates';
import { h } from '../dom';

interface ExportSpec {
  /** The button's text. */
  label: string;
  path: string;
  /** Extra query parameters. */
  params?: Record<string, string>;
}

const EXPORTS: readonly ExportSpec[] = [
  { label: 'Usage CSV', path: '/export/usage.csv', params: { groupBy: 'day,model,provider,region' } },
  { label: 'Requests CSV', path: '/export/requests.csv' },
  { label: 'Footprint CSV', path: '/export/footprint.csv' },
];

/**
 * The URL of an export for the range: from the first day (inclusive) to the day after the last
 * (exclusive), as every export reads `to`.
 */
export function exportUrl(path: string, r: DateRange, params: Record<string, string> = {}): string {
  const q = new URLSearchParams({ from: r.from, to: addDays(r.to, 1), ...params });
  return `${path}?${q}`;
}

/** "lowrouter-usage-2026-11-02_2026-12-01.csv". */
const fileName = (path: string, r: DateRange) =>
  `lowrouter-${path.slice(path.lastIndexOf('/') + 1, -'.csv'.length)}-${r.from}_${r.to}.csv`;

/** The message of a JSON error answer ({ error: { message } }), or the status line. */
async function refusal(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON: fall through to the status
  }
  return `${res.status} ${res.statusText}`.trim();
}

/** A row of buttons downloading each export for `range()` (read at click time). */
export function exportButtons(range: () => DateRange): HTMLElement {
  const status = h('span', { role: 'status', class: 'muted', id: 'export-status' });
  const buttons = EXPORTS.map((spec) => {
    const slug = spec.path.slice(spec.path.lastIndexOf('/') + 1, -'.csv'.length);
    const button = h('button', { type: 'button', class: 'secondary', id: `export-${slug}` }, spec.label);
    button.addEventListener('click', async () => {
      const r = range();
      button.disabled = true;
      status.className = 'muted';
      status.textContent = `Preparing ${spec.label} for ${r.from} to ${r.to}…`;
      try {
        const key = storedKey();
        const res = await fetch(exportUrl(spec.path, r, spec.params), {
          credentials: 'omit',
          headers: key ? { authorization: `Bearer ${key}` } : {},
        });
        if (!res.ok) {
          status.className = 'error';
          status.textContent = `${spec.label}: ${await refusal(res)}`;
          return;
        }
        const url = URL.createObjectURL(await res.blob());
        const a = h('a', { href: url, download: fileName(spec.path, r), hidden: true });
        document.body.append(a);
        a.click();
        a.remove();
        // The download has its copy once the click is handled; free the blob soon after.
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        status.textContent = `${spec.label} downloaded.`;
      } catch (e) {
        status.className = 'error';
        status.textContent = `${spec.label}: ${(e as Error).message}`;
      } finally {
        button.disabled = false;
      }
    });
    return button;
  });
  return h(
    'div',
    { class: 'exports', id: 'exports' },
    h('span', {}, 'Export this range:'),
    ...buttons,
    status,
  );
}
