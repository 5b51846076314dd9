/**
 * A small structured logger writing JSON lines to stderr. It never receives secrets: callers log ids,
 * never keys, and `redact` scrubs anything shaped like a LowRouter or provider key that slips through.
 */
import { scrubSecrets } from './providers/provider-error';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 } as const;
export type LogLevel = keyof typeof LEVELS;

/** The same key shapes (lr_, sk-, AIza, Bearer, credential headers) as provider error messages. */
export function redact(text: string): string {
  return scrubSecrets(text);
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const min = LEVELS[level];
  const log = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return;
    write(`${redact(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg, ...fields }))}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
