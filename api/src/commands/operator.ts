/**
 * How the operator commands (orgs, keys, credits, usage) reach the data: each is a GraphQL operation,
 * so it runs the very resolvers the API runs (validation, ledger, audit) and duplicates no SQL.
 *
 * - No process owns the database (or it is PostgreSQL, which many processes share): the operation is
 *   executed in this process over the database opened directly, as the instance admin. Audit entries
 *   and ledger rows name the actor `cli`.
 * - A running gateway owns the embedded data directory: the operation is sent to that gateway's
 *   /graphql with the instance admin key from LOWROUTER_ADMIN_KEY; without the key it is refused,
 *   naming the process, since opening the directory a second time would fork its data.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ExecutionResult, execute, parse, validate } from 'graphql';
import { DEFAULT_ORG_ID, ensureKeySecret } from '../auth/bootstrap';
import { type Principal, createKeyStore } from '../auth/key-store';
import { SCOPES } from '../auth/keys';
import { type Config, loadConfig } from '../config';
import { type DbHandle, configuredDb, openDb } from '../db/client';
import { dataDirOwner, describeOwner } from '../db/data-dir-lock';
import { runMigrations } from '../db/migrate';
import type { InferenceDeps } from '../inference/complete';

/** The actor recorded for changes made through the CLI on the database directly. */
export const CLI_ACTOR = 'cli';

export interface Operator {
  /** Where the operation runs, for messages: "the database" or "the gateway at …". */
  via: string;
  /** Runs `query`; GraphQL errors (not union results) throw with their messages. */
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** Opens the route to the data for `command` ("keys create", …). */
export async function openOperator(command: string, config: Config = loadConfig()): Promise<Operator> {
  if (config.databaseUrl) {
    const handle = await openDb({
      ...configuredDb(config),
      maxConnections: 2,
    });
    return direct(handle, config, 'the database (DATABASE_URL)');
  }
  const owner = await dataDirOwner(config.dataDir);
  if (owner) {
    const who = `the data directory ${config.dataDir} is in use by ${describeOwner(owner)}`;
    if (!owner.apiUrl)
      throw new Error(
        `${who}, which is not serving yet: run \`lowrouter ${command}\` again once it is up, or stop it first`,
      );
    if (!config.adminKey)
      throw new Error(
        `${who}. \`lowrouter ${command}\` can go through its API: set LOWROUTER_ADMIN_KEY to the instance admin key (printed at the first start) and run it again; or stop that process first`,
      );
    return overHttp(owner.apiUrl, config.adminKey, `the gateway at ${owner.url ?? owner.apiUrl}`);
  }
  // PGlite writes pgdata/PG_VERSION when it creates a database (db/pglite-worker.mjs): without it
  // there is nothing to read.
  if (!existsSync(join(config.dataDir, 'pgdata', 'PG_VERSION')))
    throw new Error(
      `no database in ${config.dataDir}: start the gateway once (pnpm start), or set LOWROUTER_DATA_DIR or DATABASE_URL to the database to use`,
    );
  const handle = await openDb({ dataDir: config.dataDir });
  try {
    // This process owns the directory now: bring its schema to this code's version first.
    await runMigrations(handle);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return direct(handle, config, `the database in ${config.dataDir}`);
}

async function direct(handle: DbHandle, config: Config, via: string): Promise<Operator> {
  const { schema } = await import('../graphql/index');
  const { createContext } = await import('../graphql/context');
  let keys: ReturnType<typeof createKeyStore>;
  try {
    keys = createKeyStore(handle.db, await ensureKeySecret(handle.db, config));
  } catch (err) {
    await handle.close();
    throw err;
  }
  const principal: Principal = {
    keyId: CLI_ACTOR,
    orgId: DEFAULT_ORG_ID,
    orgName: 'Default organization',
    scopes: [...SCOPES],
    instanceAdmin: true,
    policyId: null,
    requestsPerMinute: null,
    tokensPerMinute: null,
    cacheTtlSeconds: null,
  };
  return {
    via,
    async graphql<T>(query: string, variables?: Record<string, unknown>) {
      const document = parse(query);
      const invalid = validate(schema, document);
      if (invalid.length) throw new Error(invalid.map((e) => e.message).join('; '));
      const result = (await execute({
        schema,
        document,
        variableValues: variables,
        // The operator commands read and change organisations, keys, credit and usage only.
        contextValue: createContext({
          db: handle.db,
          readDb: handle.readDb,
          config,
          keys,
          inference: undefined as unknown as InferenceDeps,
          principal,
        }),
      })) as ExecutionResult;
      return dataOf<T>(result);
    },
    async close() {
      await keys.close();
      await handle.close();
    },
  };
}

function overHttp(apiUrl: string, adminKey: string, via: string): Operator {
  return {
    via,
    async graphql<T>(query: string, variables?: Record<string, unknown>) {
      let res: Response;
      try {
        res = await fetch(`${apiUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
          body: JSON.stringify({ query, variables }),
        });
      } catch (err) {
        throw new Error(`cannot reach ${via}: ${(err as Error).message}`);
      }
      let body: ExecutionResult;
      try {
        body = (await res.json()) as ExecutionResult;
      } catch {
        throw new Error(`${via} answered ${res.status} without GraphQL`);
      }
      return dataOf<T>(body);
    },
    async close() {},
  };
}

function dataOf<T>(result: ExecutionResult): T {
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.data as T;
}

/** A mutation's union result: the success value, or an Error thrown with the message to show. */
export function successOf<T>(result: unknown, flags: Record<string, string> = {}): T {
  const r = result as { __typename?: string; message?: string; field?: string };
  if (typeof r.message === 'string' && /^(Forbidden|NotFound|InvalidInput)$/.test(r.__typename ?? '')) {
    const field = r.field ? (flags[r.field] ?? r.field) : undefined;
    throw new Error(field ? `${field}: ${r.message}` : r.message);
  }
  return result as T;
}

/** The union selection every operator mutation asks for. */
export const ERROR_FIELDS = '__typename ... on Error { message } ... on InvalidInput { field }';
