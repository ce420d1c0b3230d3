import type { Migration } from './migration.ts';

/**
 * The ISP help desk's lookup log: every address-and-time lookup a desk made in the portal,
 * with how many findings it was shown, for the operator to audit (an address is personal data
 * once it is tied to a time). Read newest first, overall or per ISP.
 */
export const helpDeskLookups: Migration = {
  version: 15,
  name: 'help-desk lookup log',
  sql: `
CREATE TABLE help_desk_lookups (
  id          INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  user_id     INTEGER NOT NULL,
  user_name   TEXT NOT NULL,
  isp_id      TEXT NOT NULL,
  ip          TEXT NOT NULL,
  asked_time  TEXT NOT NULL,
  rows_shown    INTEGER NOT NULL,
  rows_present  INTEGER NOT NULL
);
CREATE INDEX help_desk_lookups_by_isp ON help_desk_lookups (isp_id, id);
`,
};
