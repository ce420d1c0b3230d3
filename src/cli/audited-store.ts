/**
 * Opening the store for a command whose writes are audited (survey, worker, notify, track,
 * optouts, cnc, users, serve, demo), and recording what a command did outside the store (a
 * blocklist published): the store wrapped so that runs, credential attempts, deliveries
 * and operator decisions go into the audit trail, with checkpoints signed by the key in
 * OPENNOTICE_AUDIT_KEY (a private key file from `opennotice audit keygen`) — unsigned when
 * it is not set.
 */
import { type AuditedStoreOptions, auditedStore } from '../audit/audited-store.ts';
import type { AuditEvent } from '../audit/events.ts';
import { createAuditTrail } from '../audit/trail.ts';
import { readSigningKey } from '../core/signing-keys.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';

/** The environment variable naming the audit trail's private key file. */
export const auditKeyVariable = 'OPENNOTICE_AUDIT_KEY';

/**
 * The signing key the environment names, or undefined when none is configured. A named file
 * that is not an Ed25519 private key fails (CONFIG_INVALID) before anything is written.
 * @example const key = auditSigningKey(process.env)
 */
export function auditSigningKey(env: NodeJS.ProcessEnv) {
  const file = env[auditKeyVariable];
  return file ? readSigningKey(file, 'private') : undefined;
}

/**
 * @example const store = await openAuditedStore(String(values.db)); try { … } finally { await store.close() } // close() writes the checkpoint
 */
export async function openAuditedStore(location: string, env: NodeJS.ProcessEnv = process.env, options: AuditedStoreOptions = {}): Promise<Store> {
  const privateKey = auditSigningKey(env);
  const store = await openStore(location);
  return auditedStore(store, createAuditTrail({ store, privateKey }), options);
}

/**
 * Append events that record no store write (a blocklist published to files) and checkpoint
 * them, as a command's end does.
 * @example await recordAuditEvents('opennotice.sqlite', [{ kind: 'blocklist-published', … }])
 */
export async function recordAuditEvents(location: string, events: readonly AuditEvent[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const privateKey = auditSigningKey(env);
  const store = await openStore(location);
  try {
    const trail = createAuditTrail({ store, privateKey });
    await trail.record(events);
    await trail.finish();
  } finally {
    await store.close();
  }
}
