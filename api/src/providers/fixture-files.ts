/**
 * Test support: reads the recorded upstream traffic in `__fixtures__/` (see __fixtures__/SOURCES.md).
 * Only tests import this file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

export interface FixtureMeta {
  status: number;
  /** Recorded response headers, lower-cased, first value only. */
  headers: Record<string, string>;
  reconstructed: boolean;
}

/** Fixture body as text; `name` is relative to __fixtures__ (`openai/chat-nonstream.json`). */
export function readFixture(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), 'utf8');
}

export function readFixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES_DIR, name)));
}

export function readFixtureJson(name: string): unknown {
  return JSON.parse(readFixture(name));
}

export function readMeta(name: string): FixtureMeta {
  const metaName = name.replace(/\.(json|sse|txt|chunks\.jsonl|derived\.sse)$/, '').replace(/\.derived$/, '');
  const raw = JSON.parse(readFileSync(join(FIXTURES_DIR, `${metaName}.meta.json`), 'utf8')) as {
    status: number;
    response_headers?: Record<string, string | string[]>;
    kind?: string;
  };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.response_headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) headers[k.toLowerCase()] = first;
  }
  return { status: raw.status, headers, reconstructed: (raw.kind ?? '').startsWith('RECONSTRUCTED') };
}

/** Body files (not .meta.json) under the given provider folders, including their `reconstructed/` subfolder. */
export function listFixtures(folders: readonly string[]): string[] {
  const out: string[] = [];
  for (const folder of folders) {
    for (const sub of [folder, `${folder}/reconstructed`]) {
      let entries: string[];
      try {
        entries = readdirSync(join(FIXTURES_DIR, sub));
      } catch {
        continue;
      }
      for (const f of entries.sort()) {
        if (f.endsWith('.meta.json') || f === 'reconstructed' || f.endsWith('.md')) continue;
        out.push(`${sub}/${f}`);
      }
    }
  }
  return out;
}
