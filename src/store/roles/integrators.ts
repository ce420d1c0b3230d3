/**
 * The system integrators of the registry (src/attribution/integrators.ts): which ranges and
 * customers each manages and where its report goes. Which findings belong to an integrator is
 * part of the attribution (isp-attribution.ts, filter `integratorId`).
 */

/** An integrator as the registry describes it (docs/attribution.md has the file format). */
export interface IntegratorRecord {
  id: string;
  name: string;
  contacts: { email: string; language: 'ja' | 'en' };
  /** CIDRs it manages. */
  ranges: string[];
  /** Customer ids at ISPs it manages. */
  customerIds: string[];
}

/**
 * @example
 * await store.upsertIntegrators(readIntegrators('isps.yaml').integrators)
 * const integrators = await store.listIntegrators()
 */
export interface IntegratorStore {
  /** Insert or update integrators by id; `at` (default now) marks the change. */
  upsertIntegrators(integrators: readonly IntegratorRecord[], options?: { at?: string }): Promise<void>;
  /** Every integrator, by id. */
  listIntegrators(): Promise<IntegratorRecord[]>;
}
