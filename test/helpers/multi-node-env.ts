// The environment every node of a multi-node test gets (placeholder: the shared-state branches extend it).
export function multiNodeEnv(databaseUrl: string): Record<string, string> {
  return { DATABASE_URL: databaseUrl };
}
