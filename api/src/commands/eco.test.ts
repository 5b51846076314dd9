import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PassThrough, Readable } from 'node:stream';
import {
  type CsvRow,
  caseToInput,
  GOLDEN_COLUMNS,
  parseCsv,
  relativeError,
} from '@lowrouter/shared/eco/__fixtures__/eco-cases';
import { describe, expect, it } from 'vitest';
import { run } from './eco';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const rows = parseCsv(
  readFileSync(new URL('../../../shared/src/eco/__fixtures__/eco-cases.csv', import.meta.url), 'utf8'),
);
const golden = (id: string): CsvRow => {
  const row = rows.find((r) => r.case_id === id);
  if (!row) throw new Error(`no golden case ${id}`);
  return row;
};

function cli(
  stdin: string,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${root}node_modules/.bin/tsx`, ['api/src/cli.ts', 'eco', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

function expectGolden(output: Record<string, { min: number; max: number }>, row: CsvRow): void {
  for (const { stem, field, scale } of GOLDEN_COLUMNS) {
    for (const bound of ['min', 'max'] as const) {
      const expected = Number(row[`${stem}_${bound}`]) * scale;
      const actual = output[field]?.[bound] ?? Number.NaN;
      expect(relativeError(actual, expected), `${row.case_id} ${stem}_${bound}`).toBeLessThanOrEqual(1e-9);
    }
  }
}

async function runInProcess(stdin: string, args: string[] = []) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await run(args, { stdin: Readable.from([stdin]), stdout, stderr });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('lowrouter eco (spawned CLI)', () => {
  it('estimates golden rows line by line and names the field of a malformed line', async () => {
    const ids = ['C03', 'C24', 'C34', 'D01'];
    const good = ids.map((id) => JSON.stringify(caseToInput(golden(id))));
    const { outputTokens: _missing, ...noTokens } = caseToInput(golden('C20'));
    // line 3 lacks outputTokens; a blank line 4 is skipped; the last line has no newline
    const stdin = `${good[0]}\n${good[1]}\n${JSON.stringify(noTokens)}\n\n${good[2]}\n${good[3]}`;
    const { code, stdout, stderr } = await cli(stdin);

    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const outputs = lines.map((l) => JSON.parse(l));
    expect(outputs[2]).toEqual({
      error: { line: 3, field: 'outputTokens', message: 'must be a finite number' },
    });
    const estimates = [outputs[0], outputs[1], outputs[3], outputs[4]];
    for (const [i, id] of ids.entries()) expectGolden(estimates[i], golden(id));
    expect(code).toBe(1);
    expect(stderr).toBe('lowrouter eco: 1 of 5 lines had errors\n');
  });
});

describe('lowrouter eco (in process)', () => {
  it('exits 0 when every line is fine, reads CRLF input and accepts scalar ranges', async () => {
    const row = golden('C24');
    const input = { ...caseToInput(row), activeParamsB: 123, totalParamsB: 123, pue: 1.16 };
    const { code, stdout } = await runInProcess(
      `${JSON.stringify(input)}\r\n\r\n${JSON.stringify(input)}\r\n`,
    );
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expectGolden(JSON.parse(lines[0] ?? ''), row);
    expect(lines[1]).toBe(lines[0]);
  });

  it('reports bad JSON with a null field and keeps going', async () => {
    const good = JSON.stringify(caseToInput(golden('C01')));
    const { code, stdout } = await runInProcess(`{not json\n${good}\n{"pue":{"min":1.3,"max":1.2}}`);
    const [bad, ok, invalid] = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(code).toBe(1);
    expect(bad.error).toMatchObject({ line: 1, field: null });
    expectGolden(ok, golden('C01'));
    expect(invalid.error).toMatchObject({ line: 3, field: 'activeParamsB' });
  });

  it('prints help with the exit codes and rejects unknown arguments', async () => {
    const help = await runInProcess('', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      'Exit status: 0 when every line was estimated, 1 when any line had an error',
    );
    const bad = await runInProcess('', ['--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unexpected argument --frobnicate');
  });
});
