/**
 * `credits(orgId)`: balance, reservations and the ledger (newest first, keyset on id);
 * `grantCredits`: the instance admin adds credit, exactly, in integer micro-USD (billing/ledger.ts).
 */
import { microToUsd } from '@lowrouter/shared';
import { and, desc, eq, lt } from 'drizzle-orm';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../../analytics/cursor';
import { AnalyticsError, badInput } from '../../analytics/errors';
import { readableOrg } from '../../analytics/filter';
import { resolveOrGraphQLError } from '../../analytics/graphql-errors';
import { usdToMicroExact } from '../../analytics/money';
import { grantCredit } from '../../billing/ledger';
import { creditLedger, organizations } from '../../db/schema';
import { builder } from '../builder';
import { LedgerEntryKindEnum, type LedgerKindValue } from './enums';
import { ForbiddenError, InvalidInputError, NotFoundError, requireScope } from './errors';
import { PAGE_ARGS_DESCRIPTION, connectionOf } from './requests';

type LedgerRow = typeof creditLedger.$inferSelect;

const LedgerEntryRef = builder.objectRef<LedgerRow>('LedgerEntry').implement({
  description: 'One movement of credit. Positive adds (grant, refund), negative spends (usage).',
  fields: (t) => ({
    id: t.id({ description: 'Entry id; newer entries have larger ids.', resolve: (e) => String(e.id) }),
    kind: t.field({
      description: 'grant, usage, refund or adjustment.',
      type: LedgerEntryKindEnum,
      resolve: (e) => e.kind as LedgerKindValue,
    }),
    amountUsd: t.float({
      description: 'Signed amount, USD (exact to the micro-dollar): positive adds, negative spends.',
      resolve: (e) => microToUsd(e.amountMicro),
    }),
    requestId: t.exposeID('requestId', {
      description: 'The request a usage entry charges; null otherwise.',
      nullable: true,
    }),
    actorKeyId: t.exposeID('actorKeyId', {
      description: 'The admin key that granted or adjusted; null for usage.',
      nullable: true,
    }),
    note: t.exposeString('note', { description: 'The granter’s note.', nullable: true }),
    createdAt: t.field({
      description: 'When it was written.',
      type: 'DateTime',
      resolve: (e) => e.createdAt,
    }),
  }),
});

const LedgerConnectionRef = connectionOf('LedgerEntry', LedgerEntryRef);

const ledgerCursor = (e: LedgerRow) => encodeCursor('ledger', [e.id]);
const ledgerAfter = (after: string) => {
  const [id] = decodeCursor('ledger', after, 1);
  if (typeof id !== 'number') throw badInput('after', 'after is not a cursor of this ledger connection');
  return id;
};

const CreditsRef = builder
  .objectRef<{ orgId: string; balanceMicro: number; reservedMicro: number }>('Credits')
  .implement({
    description: "An organisation's prepaid credit, USD.",
    fields: (t) => ({
      organizationId: t.exposeID('orgId', { description: 'The organisation.' }),
      balanceUsd: t.float({
        description: 'Sum of the ledger, USD.',
        resolve: (c) => microToUsd(c.balanceMicro),
      }),
      reservedUsd: t.float({
        description: 'Held for requests in flight.',
        resolve: (c) => microToUsd(c.reservedMicro),
      }),
      availableUsd: t.float({
        description: 'balance - reserved: what new requests can spend.',
        resolve: (c) => microToUsd(c.balanceMicro - c.reservedMicro),
      }),
      ledger: t.field({
        type: LedgerConnectionRef,
        description: `Newest first. ${PAGE_ARGS_DESCRIPTION}`,
        args: {
          first: t.arg.int({ description: 'Page size: default 50, at most 200.' }),
          after: t.arg.string({ description: 'The endCursor of the previous page.' }),
        },
        resolve: (c, { first, after }, ctx) =>
          resolveOrGraphQLError(async () => {
            const n = pageSize(first);
            const afterId = after ? ledgerAfter(after) : null;
            const rows = await ctx.db
              .select()
              .from(creditLedger)
              .where(
                and(
                  eq(creditLedger.orgId, c.orgId),
                  afterId === null ? undefined : lt(creditLedger.id, afterId),
                ),
              )
              .orderBy(desc(creditLedger.id))
              .limit(n + 1);
            return toPage(rows, n, ledgerCursor);
          }),
      }),
    }),
  });

builder.queryField('credits', (t) =>
  t.field({
    type: CreditsRef,
    description: "Your organisation's credit (read scope); another one's for the instance admin.",
    args: { orgId: t.arg.id({ description: 'Another organisation (instance admin); default your own.' }) },
    resolve: (_r, { orgId }, ctx) =>
      resolveOrGraphQLError(async () => {
        const org = readableOrg(ctx.principal, orgId, 'read');
        const [row] = await ctx.db
          .select({ balanceMicro: organizations.balanceMicro, reservedMicro: organizations.reservedMicro })
          .from(organizations)
          .where(eq(organizations.id, org));
        if (!row) throw new AnalyticsError('NOT_FOUND', `no organisation ${org}`, 'orgId');
        return { orgId: org, ...row };
      }),
  }),
);

const GrantCreditsSuccess = builder
  .objectRef<{ balanceMicro: number; entry: LedgerRow }>('GrantCreditsSuccess')
  .implement({
    description: 'The grant, as written to the ledger.',
    fields: (t) => ({
      balanceUsd: t.float({
        description: 'The balance after the grant.',
        resolve: (r) => microToUsd(r.balanceMicro),
      }),
      ledgerEntry: t.field({
        description: 'The grant’s ledger entry.',
        type: LedgerEntryRef,
        resolve: (r) => r.entry,
      }),
    }),
  });

builder.mutationField('grantCredits', (t) =>
  t.field({
    type: GrantCreditsSuccess,
    description: 'Adds prepaid credit to an organisation and audits it (instance admin).',
    errors: {
      types: [ForbiddenError, InvalidInputError, NotFoundError],
      directResult: true,
      union: {
        name: 'GrantCreditsResult',
        description: 'The new balance and ledger entry, or Forbidden / InvalidInput / NotFound.',
      },
    },
    args: {
      orgId: t.arg.id({
        description: 'The organisation to credit (`org_default` is the first one).',
        required: true,
      }),
      amountUsd: t.arg.float({ required: true, description: 'More than 0, at most 6 decimals (1 µUSD).' }),
      note: t.arg.string({ description: 'Why, for the ledger and the audit log; at most 500 characters.' }),
    },
    resolve: async (_r, { orgId, amountUsd, note }, ctx) => {
      const p = requireScope(ctx, 'admin');
      if (!p.instanceAdmin) throw new ForbiddenError('only the instance admin can grant credits');
      let amountMicro: number;
      try {
        amountMicro = usdToMicroExact('amountUsd', amountUsd);
      } catch (e) {
        throw e instanceof AnalyticsError ? new InvalidInputError(e.field ?? 'amountUsd', e.message) : e;
      }
      const trimmed = note?.trim() || null;
      if (trimmed && trimmed.length > 500)
        throw new InvalidInputError('note', 'keep the note to 500 characters');
      const [org] = await ctx.db
        .select({ id: organizations.id })
        .from(organizations)
        .where(eq(organizations.id, orgId));
      if (!org) throw new NotFoundError(`no organisation ${orgId}`);
      const { balanceMicro, ledgerId } = await grantCredit(ctx.db, {
        orgId,
        amountMicro,
        kind: 'grant',
        note: trimmed,
        actorKeyId: p.keyId,
      });
      const [entry] = await ctx.db.select().from(creditLedger).where(eq(creditLedger.id, ledgerId));
      return { balanceMicro, entry: entry! };
    },
  }),
);
