/**
 * The GraphQL reference, generated from the executable schema when the page renders: every type, field,
 * argument and enum value with its description, grouped by kind, each linkable (#Type, #Type.field).
 * Nothing here is written by hand, so the reference cannot drift from the schema.
 */
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
} from 'graphql/index.js';
import { html, type Raw, raw } from './html';

/** The schema's own types (no introspection types), sorted by name. */
export function referenceTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__') && !isSpecifiedScalarType(t))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A type reference with its wrappers, the named type linked when the schema defines it. */
function typeRef(t: GraphQLType): Raw {
  if (isNonNullType(t)) return html`${typeRef(t.ofType)}!`;
  if (isListType(t)) return html`[${typeRef(t.ofType)}]`;
  const named = getNamedType(t);
  return isSpecifiedScalarType(named)
    ? html`${named.name}`
    : html`<a href="#${named.name}">${named.name}</a>`;
}

const desc = (d: string | null | undefined): Raw => (d ? html`${d}` : raw(''));

function args(list: readonly GraphQLArgument[]): Raw {
  if (!list.length) return raw('');
  return html`<ul class="gql-args">
${list.map(
  (a) =>
    html`<li><code>${a.name}: ${typeRef(a.type)}${a.defaultValue !== undefined ? ` = ${JSON.stringify(a.defaultValue)}` : ''}</code>${a.description ? html` — ${a.description}` : ''}</li>\n`,
)}</ul>`;
}

function fields(owner: string, list: readonly (GraphQLField<unknown, unknown> | GraphQLInputField)[]): Raw {
  return html`<dl class="gql-fields">
${list.map(
  (f) =>
    html`<dt id="${owner}.${f.name}"><code>${f.name}${'args' in f && f.args.length ? '(…)' : ''}: ${typeRef(f.type)}</code>${f.deprecationReason ? html` <span class="tag">deprecated</span>` : ''}</dt>
<dd>${desc(f.description)}${'args' in f ? args(f.args) : ''}</dd>
`,
)}</dl>`;
}

function kindOf(t: GraphQLNamedType): string {
  if (isObjectType(t)) return 'type';
  if (isInputObjectType(t)) return 'input';
  if (isEnumType(t)) return 'enum';
  if (isUnionType(t)) return 'union';
  if (isInterfaceType(t)) return 'interface';
  return 'scalar';
}

function typeSection(t: GraphQLNamedType): Raw {
  const head = html`<h3 id="${t.name}"><small class="gql-kind">${kindOf(t)}</small> ${t.name}</h3>
<p>${desc(t.description)}</p>`;
  if (isObjectType(t) || isInterfaceType(t)) {
    const ifaces = t.getInterfaces();
    return html`<section class="gql-type">${head}${ifaces.length ? html`<p>Implements ${ifaces.map((i, k) => html`${k ? ', ' : ''}<a href="#${i.name}">${i.name}</a>`)}.</p>` : ''}
${fields(t.name, Object.values(t.getFields()))}</section>
`;
  }
  if (isInputObjectType(t)) {
    return html`<section class="gql-type">${head}
${fields(t.name, Object.values(t.getFields()))}</section>
`;
  }
  if (isEnumType(t)) {
    return html`<section class="gql-type">${head}
<dl class="gql-fields">
${t.getValues().map((v) => html`<dt id="${t.name}.${v.name}"><code>${v.name}</code></dt><dd>${desc(v.description)}</dd>\n`)}</dl></section>
`;
  }
  if (isUnionType(t)) {
    return html`<section class="gql-type">${head}
<p>One of: ${t.getTypes().map((m, k) => html`${k ? ', ' : ''}<a href="#${m.name}">${m.name}</a>`)}.</p></section>
`;
  }
  return html`<section class="gql-type">${head}</section>
`;
}

const GROUPS: [string, string, (t: GraphQLNamedType) => boolean][] = [
  ['objects', 'Object types', (t) => isObjectType(t)],
  ['inputs', 'Input types', (t) => isInputObjectType(t)],
  ['enums', 'Enums', (t) => isEnumType(t)],
  ['unions', 'Unions', (t) => isUnionType(t)],
  ['interfaces', 'Interfaces', (t) => isInterfaceType(t)],
  ['scalars', 'Scalars', (t) => isScalarType(t)],
];

/** The generated part of /docs/api/graphql: the root operations, then every type by kind. */
export function graphqlReference(schema: GraphQLSchema): Raw {
  const roots = [schema.getQueryType(), schema.getMutationType()].filter((t) => t != null);
  const rootNames = new Set(roots.map((r) => r.name));
  const types = referenceTypes(schema).filter((t) => !rootNames.has(t.name));
  return html`<h2 id="operations">Operations</h2>
${roots.map((r) => typeSection(r))}
${GROUPS.map(([id, title, test]) => {
  const members = types.filter(test);
  return members.length
    ? html`<h2 id="${id}">${title}</h2>
<p class="gql-index">${members.map((t, k) => html`${k ? ' · ' : ''}<a href="#${t.name}">${t.name}</a>`)}</p>
${members.map((t) => typeSection(t))}`
    : '';
})}`;
}
