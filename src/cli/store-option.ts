/**
 * The `--db` option every command that opens the store shares: an SQLite file (the embedded
 * default) or a PostgreSQL URL (store/open-store.ts decides which by its scheme).
 */
export const storeOption = {
  type: 'string',
  valueName: 'FILE|URL',
  description: 'store: an SQLite file, or a postgres://USER@HOST/DATABASE URL (password: PGPASSWORD or ~/.pgpass)',
  default: 'opennotice.sqlite',
} as const;

/**
 * `--db` for the commands that also read a configuration file (`--config`): no default here,
 * because the file's `store:` comes before the default (see storeLocationFromOptions).
 */
export const configurableStoreOption = {
  type: 'string',
  valueName: 'FILE|URL',
  description: "store: an SQLite file, or a postgres://USER@HOST/DATABASE URL (default: the --config file's store:, else opennotice.sqlite)",
} as const;
