/**
 * `lowrouter keys create|list|revoke`: API keys, through the createApiKey / apiKeys / revokeApiKey API.
 * A created key is printed once: only its keyed hash is stored.
 */
import { DEFAULT_ORG_ID } from '../auth/bootstrap';
import { UsageError, parseCommandArgs, positiveInt, required } from './args';
import { ERROR_FIELDS, openOperator, successOf } from './operator';
import { formatTable } from './table';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  organizationId: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const KEY_FIELDS = 'id name prefix organizationId scopes createdAt revokedAt lastUsedAt';
const SCOPE_NAMES = ['inference', 'read', 'admin'];
const FLAGS = {
  orgId: '--org',
  name: '--name',
  scopes: '--scopes',
  requestsPerMinute: '--rpm',
  tokensPerMinute: '--tpm',
};

function scopesOf(text: string | undefined): string[] {
  const scopes = (text ?? 'inference')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !SCOPE_NAMES.includes(s));
  if (unknown.length || !scopes.length)
    throw new UsageError(`--scopes takes inference, read and admin, comma-separated; got ${text}`);
  return [...new Set(scopes)].map((s) => s.toUpperCase());
}

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values } = parseCommandArgs(rest, {
      org: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
    });
    const variables = {
      orgId: required(values.org, '--org', 'the organisation the key belongs to (lowrouter orgs list)'),
      name: required(values.name, '--name', 'a label for the key'),
      scopes: scopesOf(values.scopes),
      rpm: positiveInt(values.rpm, '--rpm') ?? null,
      tpm: positiveInt(values.tpm, '--tpm') ?? null,
    };
    const op = await openOperator('keys create');
    try {
      const data = await op.graphql<{ createApiKey: unknown }>(
        `mutation ($orgId: ID!, $name: String!, $scopes: [ApiKeyScope!]!, $rpm: Int, $tpm: Int) {
          createApiKey(orgId: $orgId, name: $name, scopes: $scopes, requestsPerMinute: $rpm, tokensPerMinute: $tpm) {
            ${ERROR_FIELDS} ... on CreateApiKeySuccess { key apiKey { ${KEY_FIELDS} } } } }`,
        variables,
      );
      const { key, apiKey } = successOf<{ key: string; apiKey: ApiKey }>(data.createApiKey, FLAGS);
      process.stdout.write(
        `created key ${apiKey.id} (${apiKey.name}) for ${apiKey.organizationId}, scopes ${apiKey.scopes.join(', ').toLowerCase()}\n\n` +
          `  ${key}\n\nShown once: only its hash is stored. Store it now.\n`,
      );
      return 0;
    } finally {
      await op.close();
    }
  }
  if (sub === 'revoke') {
    const { positionals } = parseCommandArgs(
      rest,
      {},
      { min: 1, max: 1, names: 'the key id (lowrouter keys list)' },
    );
    const op = await openOperator('keys revoke');
    try {
      const data = await op.graphql<{ revokeApiKey: unknown }>(
        `mutation ($id: ID!) { revokeApiKey(id: $id) {
          __typename ... on Error { message } ... on RevokeApiKeySuccess { apiKey { ${KEY_FIELDS} } } } }`,
        { id: positionals[0] },
      );
      const { apiKey } = successOf<{ apiKey: ApiKey }>(data.revokeApiKey);
      process.stdout.write(
        `revoked key ${apiKey.id} (${apiKey.prefix}, ${apiKey.name}) at ${when(apiKey.revokedAt)} UTC\n`,
      );
      return 0;
    } finally {
      await op.close();
    }
  }
  const { values } = parseCommandArgs(rest, {
    org: { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const orgId = values.org?.trim() || DEFAULT_ORG_ID;
  const op = await openOperator('keys list');
  try {
    const { apiKeys } = await op.graphql<{ apiKeys: ApiKey[] }>(
      `query ($orgId: ID, $all: Boolean) { apiKeys(orgId: $orgId, includeRevoked: $all) { ${KEY_FIELDS} } }`,
      { orgId, all: values.all ?? false },
    );
    if (values.json) process.stdout.write(`${JSON.stringify(apiKeys, null, 2)}\n`);
    else if (!apiKeys.length) process.stdout.write(`no ${values.all ? '' : 'active '}keys in ${orgId}\n`);
    else
      process.stdout.write(
        formatTable(
          ['ID', 'PREFIX', 'NAME', 'SCOPES', 'CREATED (UTC)', 'LAST USED', 'REVOKED'],
          apiKeys.map((k) => [
            k.id,
            k.prefix,
            k.name,
            k.scopes.join(',').toLowerCase(),
            when(k.createdAt),
            when(k.lastUsedAt),
            when(k.revokedAt),
          ]),
        ),
      );
    return 0;
  } finally {
    await op.close();
  }
}
