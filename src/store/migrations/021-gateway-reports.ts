import type { Migration } from './migration.ts';

/**
 * Reports of secure gateways (`opennotice gateway`): per window, the packets dropped towards
 * each C&C indicator and what each quarantined device tried, as JSON, with the sending token's
 * ISP and user. Read newest first, overall or per ISP.
 */
export const gatewayReports: Migration = {
  version: 21,
  name: 'secure-gateway reports',
  sql: `
CREATE TABLE gateway_reports (
  id              INTEGER PRIMARY KEY,
  received_at     TEXT NOT NULL,
  isp_id          TEXT NOT NULL,
  user_id         INTEGER NOT NULL,
  user_name       TEXT NOT NULL,
  gateway         TEXT NOT NULL,
  window_start    TEXT NOT NULL,
  window_end      TEXT NOT NULL,
  policy_version  TEXT NOT NULL,
  blocked         TEXT NOT NULL,  -- JSON: [{ indicator, packets, bytes }]
  quarantined     TEXT NOT NULL   -- JSON: [{ ip, droppedPackets, pagesServed }]
);
CREATE INDEX gateway_reports_by_isp ON gateway_reports (isp_id, id);
`,
};
