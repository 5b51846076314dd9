import { describe, expect, it } from 'vitest';
import { generateApiKey } from './auth/keys';
import { createLogger } from './log';

describe('logger', () => {
  it('redacts keys and bearer tokens that slip into a log line', () => {
    const lines: string[] = [];
    const log = createLogger('debug', (l) => lines.push(l));
    const key = generateApiKey();
    log.info('refused', {
      header: 'Bearer opaque.session-token-42',
      key,
      echoed: `upstream said: ${key.slice(0, 11)}`,
      upstream: 'x-goog-api-key: someGoogleKey123',
    });
    expect(lines[0]).not.toContain('opaque.session');
    expect(lines[0]).not.toContain(key.slice(3, 11));
    expect(lines[0]).not.toContain('someGoogleKey');
    expect(JSON.parse(lines[0]!).msg).toBe('refused');
  });
});
