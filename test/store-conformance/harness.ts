/**
 * What the conformance suites share: how a suite gets a fresh store, and the one way every
 * test uses it (opened, worked on, closed even when an assertion fails). Test code only:
 * tsconfig.build.json leaves conformance/ out of dist/.
 */

/** A store's way to release its database. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Opens a new, empty store that offers the roles a suite needs. Each call must give a store
 * that shares nothing with the stores of earlier calls.
 */
export type OpenStore<Roles> = () => Promise<Roles & Closable>;

/**
 * Runs `work` on a fresh store and closes the store afterwards, whatever happened.
 * @example test('…', () => withStore(open, async (store) => assert.equal((await store.listRuns()).length, 0)))
 */
export async function withStore<Roles, Result>(open: OpenStore<Roles>, work: (store: Roles & Closable) => Promise<Result>): Promise<Result> {
  const store = await open();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
