import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUseError, dataDirOwner, lockDataDir } from './data-dir-lock';

const tmp = mkdtempSync(join(tmpdir(), 'lowrouter-lock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('data directory lock', () => {
  it('refuses a second holder, naming the owner and the URL it announced, until released', async () => {
    const dir = join(tmp, 'a');
    const lock = await lockDataDir(dir);
    lock.announce({ url: 'http://localhost:8080', apiUrl: 'http://127.0.0.1:8080' });
    expect(await dataDirOwner(dir)).toMatchObject({
      pid: process.pid,
      url: 'http://localhost:8080',
      apiUrl: 'http://127.0.0.1:8080',
    });
    const second = await lockDataDir(dir).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(DataDirInUseError);
    expect((second as Error).message).toContain(`is in use by process ${process.pid} (`);
    expect((second as Error).message).toContain('serving http://localhost:8080)');
    await lock.release();
    expect(await dataDirOwner(dir)).toBeNull();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it('is one lock for two spellings of one directory (relative, symlinked)', async () => {
    const dir = join(tmp, 'b');
    const lock = await lockDataDir(dir);
    try {
      const link = join(tmp, 'link-to-b');
      symlinkSync(dir, link);
      await expect(lockDataDir(link)).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(lockDataDir(join(tmp, 'x', '..', 'b'))).rejects.toBeInstanceOf(DataDirInUseError);
    } finally {
      await lock.release();
    }
  });
});
