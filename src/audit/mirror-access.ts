/**
 * The cross-check of who has access — `web_users` and `api_tokens` — with the trail's account
 * and token records.
 */
import type { ApiTokenStore } from '../store/roles/api-tokens.ts';
import type { WebUserStore } from '../store/roles/web-users.ts';
import { differences, editedRow, type MirrorDisagreement } from './mirror-disagreement.ts';
import type { MirroredFacts } from './mirror-records.ts';

/**
 * Accounts: who was given access, with which role — a renamed, re-roled or unrecorded account shows.
 * @example const disagreements = await compareWebUsers(collector.facts, store)
 */
export async function compareWebUsers(facts: MirroredFacts, store: WebUserStore): Promise<MirrorDisagreement[]> {
  const found: MirrorDisagreement[] = [];
  const rows = new Map((await store.listWebUsers()).map((row) => [row.id, row]));
  for (const [userId, record] of facts.webUsers) {
    const row = rows.get(userId);
    if (!row) {
      found.push({
        table: 'web_users',
        rowId: userId,
        sequence: record.sequence,
        explanation: `web user ${userId} "${record.name}" (record ${record.sequence}) is not in web_users: it was deleted`,
      });
      continue;
    }
    const { name, role, ispId, createdAt } = record;
    const edited = editedRow('web_users', userId, `web user ${userId}`, record.sequence, row as unknown as Record<string, unknown>, {
      name,
      role,
      ispId,
      createdAt,
    });
    if (edited) found.push(edited);
  }
  const since = facts.firstAccessRecordedAt;
  if (since === undefined) return found;
  for (const row of rows.values()) {
    if (facts.webUsers.has(row.id) || row.createdAt < since) continue;
    found.push({
      table: 'web_users',
      rowId: row.id,
      explanation: `web user ${row.id} "${row.name}" (${row.role}, created ${row.createdAt}) is not in the trail: added or edited afterwards, or created just before a crash`,
    });
  }
  return found;
}

/**
 * Tokens: an unrecorded token (a way in nobody decided on) and a revoked one made live again both show.
 * @example const disagreements = await compareApiTokens(collector.facts, store)
 */
export async function compareApiTokens(facts: MirroredFacts, store: ApiTokenStore): Promise<MirrorDisagreement[]> {
  const found: MirrorDisagreement[] = [];
  const rows = new Map((await store.listApiTokens()).map((row) => [row.id, row]));
  for (const [tokenId, record] of facts.tokensIssued) {
    const row = rows.get(tokenId);
    if (!row) {
      found.push({
        table: 'api_tokens',
        rowId: tokenId,
        sequence: record.sequence,
        explanation: `API token ${tokenId} of ${record.userName} (record ${record.sequence}) is not in api_tokens: it was deleted`,
      });
      continue;
    }
    const changed = differences({ ...row, at: row.createdAt }, { userId: record.userId, label: record.label, at: record.at });
    if (changed.length > 0)
      found.push({
        table: 'api_tokens',
        rowId: tokenId,
        sequence: record.sequence,
        explanation: `API token ${tokenId} differs from its issue (record ${record.sequence}): ${changed.join('; ')}`,
      });
  }
  for (const [tokenId, record] of facts.tokensRevoked) {
    const row = rows.get(tokenId);
    if (row && row.revokedAt !== record.at)
      found.push({
        table: 'api_tokens',
        rowId: tokenId,
        sequence: record.sequence,
        explanation: `API token ${tokenId} was revoked at ${record.at} (record ${record.sequence}), the table says ${row.revokedAt === undefined ? 'it is live' : `revoked at ${row.revokedAt}`}`,
      });
  }
  const since = facts.firstAccessRecordedAt;
  if (since === undefined) return found;
  for (const row of rows.values()) {
    if (!facts.tokensIssued.has(row.id) && row.createdAt >= since)
      found.push({
        table: 'api_tokens',
        rowId: row.id,
        explanation: `API token ${row.id} of ${row.userName} ("${row.label}", created ${row.createdAt}) is not in the trail: added or edited afterwards, or issued just before a crash`,
      });
    else if (row.revokedAt !== undefined && !facts.tokensRevoked.has(row.id) && row.revokedAt >= since)
      found.push({
        table: 'api_tokens',
        rowId: row.id,
        explanation: `API token ${row.id} of ${row.userName} is revoked (at ${row.revokedAt}) but the trail has no record of it: edited afterwards, or revoked just before a crash`,
      });
  }
  return found;
}
