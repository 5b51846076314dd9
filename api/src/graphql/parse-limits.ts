/**
 * Parse-time limits: a document of more than MAX_DOCUMENT_TOKENS tokens, or nesting braces,
 * brackets or parentheses deeper than MAX_DOCUMENT_NESTING, is refused with a 400 before graphql's
 * recursive-descent parser sees it (a 10,000-deep selection would otherwise overflow the stack and
 * answer 500). One pass of graphql's own lexer counts both, before yoga parses; then `parse` runs with
 * `maxTokens` too.
 */
import { type DocumentNode, type GraphQLError, Lexer, Source, TokenKind, parse } from 'graphql/index.js';
import { type Plugin, createGraphQLError } from 'graphql-yoga';

/** Most lexical tokens in one document (a large BI query with fragments is ~2,000). */
export const MAX_DOCUMENT_TOKENS = 10_000;
/** Deepest nesting of `{ [ (` in one document: far above the field depth limit (12). */
export const MAX_DOCUMENT_NESTING = 64;

const OPEN = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSE = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

const refuse = (message: string, code: string) =>
  createGraphQLError(message, { extensions: { code, http: { status: 400 } } });

/** Throws a 400 GraphQL error when `source` breaks a limit; lexing errors are left to `parse`. */
export function checkDocumentSize(
  source: string | Source,
  maxTokens = MAX_DOCUMENT_TOKENS,
  maxNesting = MAX_DOCUMENT_NESTING,
): void {
  const lexer = new Lexer(typeof source === 'string' ? new Source(source) : source);
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (token.kind === TokenKind.COMMENT) continue;
      if (++tokens > maxTokens)
        throw refuse(
          `the query has more than ${maxTokens} tokens; send a smaller document (fewer fields, fragments or inline values)`,
          'QUERY_TOO_LARGE',
        );
      if (OPEN.has(token.kind) && ++nesting > maxNesting)
        throw refuse(
          `the query nests more than ${maxNesting} levels of { [ (; at most ${maxNesting} are parsed: ask for less nesting`,
          'QUERY_TOO_DEEP',
        );
      if (CLOSE.has(token.kind)) nesting--;
    }
  } catch (e) {
    if ((e as { extensions?: { code?: string } }).extensions?.code?.startsWith('QUERY_TOO_')) throw e;
    // A syntax error: parse reports it with its location.
  }
}

/** graphql's parse behind the size check. */
export function parseWithLimits(
  source: string | Source,
  options?: Parameters<typeof parse>[1],
): DocumentNode {
  checkDocumentSize(source);
  return parse(source, { ...options, maxTokens: MAX_DOCUMENT_TOKENS });
}

/**
 * Yoga plugin: the size check runs on the request's params, before yoga parses (a refusal from the
 * parser itself would be answered 200 to `application/json` clients; this one is a 400 for all), and
 * the parser itself is the limited one.
 */
export function useParserLimits(): Plugin {
  return {
    onParams({ params, setResult }) {
      if (typeof params.query !== 'string') return;
      try {
        checkDocumentSize(params.query);
      } catch (e) {
        setResult({ errors: [e as GraphQLError] });
      }
    },
    onParse({ setParseFn }) {
      setParseFn(parseWithLimits);
    },
  };
}
