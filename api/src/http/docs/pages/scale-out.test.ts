import { describe, expect, it } from 'vitest';
import type { DocsContext } from '../context';
import { type ScaleOutMeasured, scaleOutMeasured } from '../measured';
import { scaleOutPage, sizing } from './scale-out';

/** The page for a measurement (the page reads nothing else of the context). */
const render = (m: ScaleOutMeasured) => scaleOutPage({ scaleOut: m } as unknown as DocsContext).html;
const text = (page: string) => page.replace(/<[^>]+>/g, '');
const clone = (): ScaleOutMeasured => structuredClone(scaleOutMeasured);

describe('the scale-out page', () => {
  it('has a committed measurement of 1, 2 and 3 nodes at c=16 and c=64, and of every batch size', () => {
    expect(scaleOutMeasured.nodes.map((x) => [x.nodes, x.levels.map((l) => l.concurrency)])).toEqual([
      [1, [16, 64]],
      [2, [16, 64]],
      [3, [16, 64]],
    ]);
    for (const x of scaleOutMeasured.nodes) for (const l of x.levels) expect(l.rps).toBeGreaterThan(0);
    expect(scaleOutMeasured.writes.filter((w) => w.writers === 1).map((w) => w.batch)).toEqual([
      1, 16, 64, 256,
    ]);
    expect(scaleOutMeasured.machine.cores).toBeGreaterThan(0);
  });

  it('renders its figures from the measurement: a changed figure changes the page', () => {
    const before = text(render(scaleOutMeasured));
    const m = clone();
    const one = m.nodes.find((x) => x.nodes === 1)!;
    for (const l of one.levels) l.rps = 98_765;
    const best = m.writes.find((w) => w.batch === 256 && w.writers === 1)!;
    best.rowsPerSec = 543_210;
    best.walBytesPerRow = 1_000;
    m.postgres.maxConnections = 4_321;
    m.machine.cpu = 'Test CPU 9000';
    const after = text(render(m));
    for (const figure of ['98,765', '543,210 rows/s', 'Test CPU 9000', '4,321']) {
      expect(before).not.toContain(figure);
      expect(after).toContain(figure);
    }
    // Derived figures follow: 543 210 rows/s × 86 400 s ≈ 46.9 billion requests a day, 543.2 MB/s of WAL.
    expect(after).toContain('about 46.9 billion requests per day');
    expect(after).toContain('543.2 MB/s of WAL');
    // And the first limit is computed, not written: 98 765 requests/s per node is 5 nodes of writes.
    expect(sizing(m).nodesByWrites).toBe(5);
    expect(after).toContain('is 5 nodes at the measured 98,765 requests/s each');
  });

  it('says so when nothing was measured, and quotes no figure', () => {
    const m = clone();
    m.nodes = [];
    m.writes = [];
    const page = text(render(m));
    expect(page).toContain('Not measured yet');
    expect(page).not.toContain('rows/s');
    expect(page).not.toMatch(/requests\/s at concurrency/);
  });
});
