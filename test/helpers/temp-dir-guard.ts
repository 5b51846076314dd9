/**
 * Vitest globalSetup: every test run gets a private temporary root (TMPDIR, inherited by the test
 * workers and every process they spawn, all created after setup), and fails if a `lowrouter-*`
 * folder is left in it when the last test file has finished. Private, so test files running in
 * parallel workers, and other runs on the same machine, never count each other's folders. tsx's
 * compile cache (`tsx-<uid>`) stays where it was, linked in, so spawned CLIs start warm.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | undefined;
let before = 0;

/** LowRouter folders left in `dir` (what os.tmpdir() gave the tests). */
export function leftIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('lowrouter-'))
    .sort();
}

export function setup(): void {
  const real = tmpdir();
  root = mkdtempSync(join(real, 'lowrouter-vitest-'));
  const tsxCache = `tsx-${process.getuid?.() ?? 'user'}`;
  if (existsSync(join(real, tsxCache))) symlinkSync(join(real, tsxCache), join(root, tsxCache));
  before = leftIn(root).length; // 0: the root is new
  process.env.TMPDIR = root;
  process.env.TMP = root;
  process.env.TEMP = root;
}

export function teardown(): void {
  if (!root) return;
  const left = leftIn(root);
  const leaked = left.length - before;
  rmSync(root, { recursive: true, force: true }); // a symlink is removed, never followed
  if (leaked > 0) {
    process.exitCode = 1;
    throw new Error(
      `tests left ${leaked} temporary folder(s) behind: ${left.slice(0, 20).join(', ')}. Remove what a test creates (afterAll, onTestFinished or finally).`,
    );
  }
}
