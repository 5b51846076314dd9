/** `lowrouter orgs create|list`: organisations, through the createOrganization / organizations API. */
import { parseCommandArgs, required } from './args';
import { ERROR_FIELDS, openOperator, successOf } from './operator';
import { formatTable } from './table';

interface Org {
  id: string;
  name: string;
  createdAt: string;
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const { values } = parseCommandArgs(rest, { name: { type: 'string' } });
    const name = required(values.name, '--name', 'the organisation name');
    const op = await openOperator('orgs create');
    try {
      const data = await op.graphql<{ createOrganization: unknown }>(
        `mutation ($name: String!) { createOrganization(name: $name) {
          ${ERROR_FIELDS} ... on CreateOrganizationSuccess { organization { id name createdAt } } } }`,
        { name },
      );
      const { organization } = successOf<{ organization: Org }>(data.createOrganization, { name: '--name' });
      process.stdout.write(
        `created organisation ${organization.id} (${organization.name})\n` +
          `give it credit:  pnpm lowrouter credits grant --org ${organization.id} --usd 10\n` +
          `and a key:       pnpm lowrouter keys create --org ${organization.id} --name <name>\n`,
      );
      return 0;
    } finally {
      await op.close();
    }
  }
  const { values } = parseCommandArgs(rest, { json: { type: 'boolean' } });
  const op = await openOperator('orgs list');
  try {
    const { organizations } = await op.graphql<{ organizations: Org[] }>(
      '{ organizations { id name createdAt } }',
    );
    if (values.json) process.stdout.write(`${JSON.stringify(organizations, null, 2)}\n`);
    else
      process.stdout.write(
        formatTable(
          ['ID', 'NAME', 'CREATED (UTC)'],
          organizations.map((o) => [o.id, o.name, o.createdAt.slice(0, 16).replace('T', ' ')]),
        ),
      );
    return 0;
  } finally {
    await op.close();
  }
}
