import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topSelfTime } from './cpu-profile';

// Three functions; sample i lasts until sample i+1 (timeDeltas[i+1] µs). Times start at 1000 µs.
const profile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    { id: 2, callFrame: { functionName: 'hot', url: 'file:///repo/api/src/a.ts', lineNumber: 9 } },
    {
      id: 3,
      callFrame: {
        functionName: '',
        url: 'file:///repo/node_modules/.pnpm/x@1/node_modules/x/b.js',
        lineNumber: 0,
      },
    },
  ],
  startTime: 1000,
  //         t=1000 1000 3000 4000 5000 9000
  samples: [2, 3, 2, 1, 2, 3],
  timeDeltas: [0, 0, 2000, 1000, 1000, 4000],
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function write(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lowrouter-cpuprof-test-'));
  dirs.push(dir);
  const file = join(dir, 'x.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

describe('topSelfTime', () => {
  it('sums self time per function and leaves idle out of the busy share', () => {
    const s = topSelfTime(write(), 15, '/repo');
    expect(s).toMatchInlineSnapshot(`
      {
        "busyMs": 7,
        "idleMs": 1,
        "top": [
          {
            "fn": "hot api/src/a.ts:10",
            "selfMs": 5,
            "share": 0.7142857142857143,
          },
          {
            "fn": "(anonymous) x/b.js:1",
            "selfMs": 2,
            "share": 0.2857142857142857,
          },
        ],
        "windowed": false,
      }
    `);
  });

  it('keeps only the samples inside the window', () => {
    const s = topSelfTime(write(), 15, '/repo', { fromUs: 2500, toUs: 4500 });
    expect(s.windowed).toBe(true);
    expect(s.top.map((t) => [t.fn, t.selfMs])).toEqual([['hot api/src/a.ts:10', 1]]);
    expect(s.idleMs).toBe(1);
  });

  it('falls back to the whole profile when no sample is in the window', () => {
    const s = topSelfTime(write(), 15, '/repo', { fromUs: 1e12, toUs: 2e12 });
    expect(s.windowed).toBe(false);
    expect(s.busyMs).toBe(7);
  });
});
