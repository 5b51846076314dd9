/**
 * `lowrouter credits grant|balance`: prepaid credit through the grantCredits mutation (the ledger,
 * audited) and the credits query. Amounts are typed in dollars and kept as integer micro-USD.
 */
import { DEFAULT_ORG_ID } from '../auth/bootstrap';
import { UsageError, parseCommandArgs, required } from './args';
import { ERROR_FIELDS, openOperator, successOf } from './operator';
import { formatUsd } from './table';

/** "10", "0.25", "$5": a dollar amount with at most 6 decimals (1 µUSD), as a number. */
export function parseUsd(text: string): number {
  const m = /^\$?(\d{1,10})(\.\d{1,6})?$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `--usd takes an amount in dollars with at most 6 decimals, e.g. 10 or 0.25; got ${text}`,
    );
  const usd = Number(`${m[1]}${m[2] ?? ''}`);
  if (usd <= 0) throw new UsageError('--usd must be more than 0');
  return usd;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'grant') {
    const { values } = parseCommandArgs(rest, {
      org: { type: 'string' },
      usd: { type: 'string' },
      note: { type: 'string' },
    });
    const orgId = required(
      values.org,
      '--org',
      `the organisation to credit (the default one is ${DEFAULT_ORG_ID})`,
    );
    const amountUsd = parseUsd(required(values.usd, '--usd', 'the amount in dollars, e.g. --usd 10'));
    const op = await openOperator('credits grant');
    try {
      const data = await op.graphql<{ grantCredits: unknown }>(
        `mutation ($orgId: ID!, $amountUsd: Float!, $note: String) {
          grantCredits(orgId: $orgId, amountUsd: $amountUsd, note: $note) {
            ${ERROR_FIELDS} ... on GrantCreditsSuccess { balanceUsd ledgerEntry { id } } } }`,
        { orgId, amountUsd, note: values.note ?? null },
      );
      const r = successOf<{ balanceUsd: number; ledgerEntry: { id: string } }>(data.grantCredits, {
        orgId: '--org',
        amountUsd: '--usd',
        note: '--note',
      });
      process.stdout.write(
        `granted ${formatUsd(amountUsd)} USD to ${orgId} (ledger entry ${r.ledgerEntry.id}); balance now ${formatUsd(r.balanceUsd)} USD\n`,
      );
      return 0;
    } finally {
      await op.close();
    }
  }
  const { values } = parseCommandArgs(rest, { org: { type: 'string' }, json: { type: 'boolean' } });
  const orgId = values.org?.trim() || DEFAULT_ORG_ID;
  const op = await openOperator('credits balance');
  try {
    const { credits } = await op.graphql<{
      credits: { balanceUsd: number; reservedUsd: number; availableUsd: number };
    }>('query ($orgId: ID) { credits(orgId: $orgId) { balanceUsd reservedUsd availableUsd } }', { orgId });
    if (values.json) process.stdout.write(`${JSON.stringify({ orgId, ...credits }, null, 2)}\n`);
    else
      process.stdout.write(
        `${orgId}: balance ${formatUsd(credits.balanceUsd)} USD, held by requests in flight ${formatUsd(credits.reservedUsd)} USD, available ${formatUsd(credits.availableUsd)} USD\n`,
      );
    return 0;
  } finally {
    await op.close();
  }
}
