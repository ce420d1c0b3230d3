// The audit trail on SQLite: the role's conformance suite, and tampering through a second
// connection to the same file (what someone with the file can do), to the trail and to the
// tables it mirrors.
import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import { auditTrailStoreConformance } from '../../../test/store-conformance/audit-trail.ts';
import { auditMirrorConformance } from '../../../test/store-conformance/audit-mirror.ts';
import { auditTrailTamperConformance } from '../../../test/store-conformance/audit-tamper.ts';
import { openSqliteStore } from './sqlite-store.ts';

describe('SQLite audit trail', () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-audit-'));
  after(() => rmSync(directory, { recursive: true, force: true }));
  let opened = 0;
  auditTrailStoreConformance(async () => openSqliteStore(':memory:'));
  /** A store on a new file and a second connection to it: what someone with the file can run. */
  const storeWithRawSql = (name: string) => {
    const file = join(directory, `${name}-${++opened}.sqlite`);
    const store = openSqliteStore(file);
    const raw = new DatabaseSync(file);
    return {
      store: {
        ...store,
        close: async () => {
          raw.close();
          await store.close();
        },
      },
      sql: async (statements: string) => {
        raw.exec(statements);
      },
    };
  };
  auditTrailTamperConformance(async () => ({
    ...storeWithRawSql('audit'),
    dropGuards: `DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete;
        DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;`,
  }));
  auditMirrorConformance(async () => storeWithRawSql('mirror'));
});
