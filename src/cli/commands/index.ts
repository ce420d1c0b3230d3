import type { Command } from '../command.ts';
import attribute from './attribute.ts';
import audit from './audit.ts';
import blocklist from './blocklist.ts';
import cnc from './cnc.ts';
import darknet from './darknet.ts';
import demo from './demo.ts';
import devices from './devices.ts';
import feeds from './feeds.ts';
import findings from './findings.ts';
import flows from './flows.ts';
import gateway from './gateway.ts';
import gatewayReports from './gateway-reports.ts';
import isps from './isps.ts';
import lab from './lab.ts';
import notify from './notify.ts';
import optouts from './optouts.ts';
import runs from './runs.ts';
import serve from './serve.ts';
import share from './share.ts';
import stats from './stats.ts';
import survey from './survey.ts';
import track from './track.ts';
import users from './users.ts';
import vulns from './vulns.ts';
import worker from './worker.ts';

/** Every CLI command, in the order `opennotice --help` lists them. */
export const commands: readonly Command[] = [
  demo,
  lab,
  survey,
  worker,
  findings,
  devices,
  vulns,
  feeds,
  darknet,
  cnc,
  flows,
  isps,
  attribute,
  notify,
  blocklist,
  gateway,
  gatewayReports,
  share,
  track,
  stats,
  optouts,
  serve,
  users,
  runs,
  audit,
];
