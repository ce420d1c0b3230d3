import { initialSchema } from './001-initial.ts';
import { vulnerabilityFeeds } from './002-vulnerability-feeds.ts';
import { hardwareVersion } from './003-hardware-version.ts';
import { darknetWindows } from './004-darknet-windows.ts';
import { notification } from './005-notification.ts';
import { findingMisses } from './006-finding-misses.ts';
import { webAuth } from './007-web-auth.ts';
import { optOuts } from './008-opt-outs.ts';
import { serviceDetection } from './009-service-detection.ts';
import { deviceHistory } from './010-device-history.ts';
import { darknetAttacks } from './011-darknet-attacks.ts';
import { dashboardIndexes } from './012-dashboard-indexes.ts';
import { criticalDevices } from './013-critical-devices.ts';
import { integrators } from './014-integrators.ts';
import { helpDeskLookups } from './015-help-desk-lookups.ts';
import { flowAggregates } from './016-flow-aggregates.ts';
import { cncCandidates } from './017-cnc-candidates.ts';
import { reservedFor18 } from './018-reserved.ts';
import { cncContacts } from './019-cnc-contacts.ts';
import { auditTrail } from './020-audit-trail.ts';
import { gatewayReports } from './021-gateway-reports.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

/**
 * Every schema step, oldest first. Append new steps at the end with the next version;
 * a database is brought up to the last one when opened.
 */
export const migrations: readonly Migration[] = [
  initialSchema,
  vulnerabilityFeeds,
  hardwareVersion,
  darknetWindows,
  notification,
  findingMisses,
  webAuth,
  optOuts,
  serviceDetection,
  deviceHistory,
  darknetAttacks,
  dashboardIndexes,
  criticalDevices,
  integrators,
  helpDeskLookups,
  flowAggregates,
  cncCandidates,
  reservedFor18,
  cncContacts,
  auditTrail,
  gatewayReports,
];
