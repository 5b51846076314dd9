/** LOWROUTER_CORS_ORIGINS: exact origins only, refused with a message saying what to write. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { createCors } from './cors';

describe('LOWROUTER_CORS_ORIGINS', () => {
  it('defaults to none and reads comma-separated exact origins', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(
      loadConfig({ LOWROUTER_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
  });

  it('refuses wildcards, paths and other schemes, saying what an origin looks like', () => {
    for (const bad of [
      '*',
      'https://app.example.com/',
      'https://*.example.com',
      'app.example.com',
      'ftp://x.example',
    ])
      expect(() => loadConfig({ LOWROUTER_CORS_ORIGINS: bad })).toThrow(
        /LOWROUTER_CORS_ORIGINS: .* is not an exact origin: write scheme:\/\/host\[:port\]/,
      );
  });

  it('answers only an allowed origin, never with credentials, and a malformed header list with the defaults', () => {
    const cors = createCors(['https://app.example.com']);
    expect(cors.headers('https://evil.example')).toEqual({ vary: 'Origin' });
    expect(cors.headers('https://app.example.com')['access-control-allow-origin']).toBe(
      'https://app.example.com',
    );
    const pre = cors.preflight('https://app.example.com', 'authorization\r\nx-injected: 1');
    expect(pre['access-control-allow-headers']).toBe('authorization, content-type');
    expect(Object.keys(pre)).not.toContain('access-control-allow-credentials');
    expect(createCors([]).headers('https://app.example.com')).toEqual({});
  });
});
