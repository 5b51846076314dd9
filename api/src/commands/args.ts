/**
 * Command-line arguments for the commands: node:util's parseArgs in strict mode, with its errors
 * turned into a UsageError that cli.ts prints with the usage line and exits 2 on.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A bad command line: exit 2, the message and the usage line on stderr. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The flags and positionals of `args`; unknown flags, missing values and extra arguments throw UsageError. */
export function parseCommandArgs<O extends Options>(
  args: string[],
  options: O,
  positionals: { min?: number; max?: number; names?: string } = {},
) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    const quoted = /'([^']+)'/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${quoted}`);
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new UsageError(`unexpected argument ${quoted}`);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(
        quoted?.includes('<value>')
          ? `${quoted.split(' ')[0]} needs a value`
          : `${quoted ?? 'an option'} takes no value`,
      );
    }
    throw new UsageError(e.message);
  }
  const n = parsed.positionals.length;
  if (n > (positionals.max ?? 0))
    throw new UsageError(`unexpected argument ${parsed.positionals[positionals.max ?? 0]}`);
  if (n < (positionals.min ?? 0)) throw new UsageError(`missing ${positionals.names ?? 'argument'}`);
  return parsed;
}

/** The value of a required flag, or a UsageError naming it. */
export function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required: ${what}`);
  return value.trim();
}

/** A positive whole number from a flag. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(value))
    throw new UsageError(`${flag} must be a whole number of at least 1, got ${value}`);
  return Number(value);
}
