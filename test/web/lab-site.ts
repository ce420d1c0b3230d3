/**
 * The site the browser tests visit, on real lab data: a small hostile lab (its payload
 * devices send script-injection payloads in banners, titles and headers), a credentials
 * survey of every device that answers at a normal pace, attribution to the lab's synthetic
 * ISPs, one report per ISP, web users (an operator and one user per ISP with findings), and
 * the server on loopback. One notified device is then fixed by its owner and a re-survey
 * closes its findings, so the pages have a remediation to show. A second server on the same store trusts X-Forwarded-For from
 * loopback, as behind a proxy: it is how a test visits "check my connection" *from* a lab
 * device's address (a browser cannot choose its source address).
 */
import { createAttributor, createIspRegistry, createPrefixTable } from '../../src/attribution/index.ts';
import type { SurveyRequest } from '../../src/survey/request.ts';
import { resurveyNotified } from '../../src/track/resurvey.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { createSurveyDeps } from '../../src/cli/survey-deps.ts';
import type { NotifiableFinding } from '../../src/core/records.ts';
import { labIsps } from '../../src/lab/isps.ts';
import { startLab, type LabHandle } from '../../src/lab/lab.ts';
import { payloadDevicesOf } from '../../src/lab/payloads.ts';
import type { TruthDevice } from '../../src/lab/types.ts';
import { attributeFindings } from '../../src/notify/attribute-findings.ts';
import { buildIspReports } from '../../src/notify/build-reports.ts';
import { loadMessageTemplates } from '../../src/notify/messages/templates.ts';
import { hashPassword } from '../../src/server/auth/password.ts';
import type { ProgramInfo } from '../../src/server/route-types.ts';
import { startServer } from '../../src/server/start-server.ts';
import { testScryptCost } from '../support/server-fixture.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { runSurvey } from '../../src/survey/run-survey.ts';

export interface LabSite {
  lab: LabHandle;
  store: Store;
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  /** The same site, taking the visitor's address from X-Forwarded-For (loopback peers only). */
  proxiedUrl: string;
  program: ProgramInfo;
  password: string;
  operator: string;
  /** ISP id → the name of that ISP's portal user (ISPs with at least one finding). */
  ispUsers: Map<string, string>;
  /** Every finding after attribution, with device and ISP. */
  findings: NotifiableFinding[];
  payloadDevices: TruthDevice[];
  /** Lines the servers logged about handler errors (every one is a bug: a 500 page). */
  serverErrors: string[];
  close(): Promise<void>;
}

export interface LabSiteOptions {
  /** A /24 of loopback no other test uses. */
  cidr: string;
  seed: number;
  deviceCount: number;
}

const password = 'browser tests only, never a real password';

/**
 * @example const site = await startLabSite({ cidr: '127.226.0.0/24', seed: 11, deviceCount: 40 }); … await site.close()
 */
export async function startLabSite(options: LabSiteOptions): Promise<LabSite> {
  const lab = await startLab({ cidr: options.cidr, seed: options.seed, deviceCount: options.deviceCount, hostile: true });
  const store = await openStore(':memory:');
  const closers: Array<() => Promise<void>> = [() => lab.close(), () => store.close()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    // Hostile devices that stall (tarpits, byte-a-second senders) are another test's subject;
    // the payload devices are hostile too but answer promptly, and they are the point here.
    const targets = lab.truth.devices.filter((device) => device.role !== 'hostile' || device.payloads !== undefined).map((device) => `${device.ip}/32`);
    const surveyRequest: SurveyRequest = {
      targets: targets,
      checks: ['credentials'],
      ports: [21, 22, 23, 80, 2323, 8080],
      // TCP only: the site's pages are tested with the credential findings of these devices.
      udpPorts: [],
      seed: 3,
      limits: {
        perHostConcurrent: 2,
        connectTimeoutMs: 1000,
        ioTimeoutMs: 1500,
        deadlineMs: 5000,
        maxBytes: 262_144,
        maxAttemptsPerService: 40,
        maxAttemptsPerHost: 100,
      },
    };
    await runSurvey(surveyRequest, createSurveyDeps({ store }));

    const network = labIsps(options.cidr);
    await store.upsertIsps(network.isps);
    const attributor = createAttributor({ table: createPrefixTable(network.prefixes), registry: createIspRegistry(await store.listIsps()) });
    await attributeFindings(store, (ip) => attributor.attributeSync(ip));
    await buildIspReports({ store, templates: loadMessageTemplates(), from: 'notice@opennotice.test', now: new Date().toISOString() });
    const payloadIps = new Set(payloadDevicesOf(lab.truth).map((device) => device.ip));
    const fixed = (await store.listNotifiableFindings({ status: 'open' })).find(
      (finding) => finding.attribution.ispId !== undefined && !payloadIps.has(finding.ip),
    );
    if (fixed) {
      lab.remediate(fixed.ip);
      await resurveyNotified({ store, request: surveyRequest, deps: createSurveyDeps({ store }), closeAfterMisses: 1 });
    }
    const findings = await store.listNotifiableFindings();

    const passwordHash = await hashPassword(password, testScryptCost);
    const createdAt = new Date().toISOString();
    const operator = 'ops@program';
    await store.createWebUser({ name: operator, role: 'operator', passwordHash, createdAt });
    const ispUsers = new Map<string, string>();
    for (const ispId of new Set(findings.flatMap((finding) => (finding.attribution.ispId ? [finding.attribution.ispId] : [])))) {
      const name = `noc@${ispId}`;
      await store.createWebUser({ name, role: 'isp', ispId, passwordHash, createdAt });
      ispUsers.set(ispId, name);
    }

    const program: ProgramInfo = { name: 'Lab Notice Program', operator: 'Lab Operator', contact: 'notice@opennotice.test', scannerAddresses: ['127.0.0.1'] };
    const serverErrors: string[] = [];
    const common = {
      store,
      program,
      port: 0,
      auth: { passwordCost: testScryptCost },
      log: createLogger({ command: 'serve', format: 'text', destination: { write: (line: string) => serverErrors.push(line) } }),
    };
    const server = await startServer(common);
    closers.push(() => server.close());
    const proxied = await startServer({ ...common, trustProxy: true });
    closers.push(() => proxied.close());
    return {
      lab,
      store,
      url: server.url,
      proxiedUrl: proxied.url,
      program,
      password,
      operator,
      ispUsers,
      findings,
      payloadDevices: payloadDevicesOf(lab.truth),
      serverErrors,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
