/**
 * First start: a default organisation and the instance admin key. The key comes from
 * LOWROUTER_ADMIN_KEY when set; otherwise it is generated and printed once, never again.
 */
import { audit } from '../audit';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { apiKeys, meta, organizations } from '../db/schema';
import { newId } from '../ids';
import { SCOPES, displayPrefix, generateApiKey, hashApiKey } from './keys';

export const DEFAULT_ORG_ID = 'org_default';

/** The HMAC secret for key hashes: from configuration, or generated once and kept in the database. */
export async function ensureKeySecret(db: Db, config: Pick<Config, 'keySecret'>): Promise<string> {
  if (config.keySecret) return config.keySecret;
  await db
    .insert(meta)
    .values({ key: 'key_secret', value: randomBytes(32).toString('hex') })
    .onConflictDoNothing();
  const [row] = await db.select().from(meta).where(eq(meta.key, 'key_secret'));
  return row!.value;
}

export interface BootstrapResult {
  /** Set only when a key was generated now: the one time it is ever shown. */
  generatedAdminKey?: string;
}

export async function ensureBootstrap(
  db: Db,
  secret: string,
  config: Pick<Config, 'adminKey'>,
): Promise<BootstrapResult> {
  return db.transaction(async (tx) => {
    await tx
      .insert(organizations)
      .values({ id: DEFAULT_ORG_ID, name: 'Default organization' })
      .onConflictDoNothing();
    const admins = await tx
      .select({ id: apiKeys.id, keyHash: apiKeys.keyHash })
      .from(apiKeys)
      .where(and(eq(apiKeys.instanceAdmin, true)));
    let key: string | undefined;
    let generated = false;
    if (config.adminKey) {
      const hash = hashApiKey(secret, config.adminKey);
      if (!admins.some((a) => a.keyHash === hash)) key = config.adminKey;
    } else if (admins.length === 0) {
      key = generateApiKey();
      generated = true;
    }
    if (!key) return {};
    const id = newId('key');
    await tx.insert(apiKeys).values({
      id,
      orgId: DEFAULT_ORG_ID,
      name: 'instance admin (bootstrap)',
      prefix: displayPrefix(key),
      keyHash: hashApiKey(secret, key),
      scopes: [...SCOPES],
      instanceAdmin: true,
    });
    await audit(tx, {
      orgId: DEFAULT_ORG_ID,
      actorKeyId: null,
      action: 'apiKey.create',
      targetType: 'apiKey',
      targetId: id,
      details: { bootstrap: true, from: generated ? 'generated' : 'LOWROUTER_ADMIN_KEY' },
    });
    return generated ? { generatedAdminKey: key } : {};
  });
}
