/** One step of the schema's history. Steps are never edited once released: add a new one. */
export interface Migration {
  /** Strictly increasing, starting at 1. */
  version: number;
  /** Short description, kept in schema_migrations for whoever inspects the file. */
  name: string;
  /** SQL statements applied in one transaction together with the version bookkeeping. */
  sql: string;
}
