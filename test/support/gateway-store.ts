/**
 * The store behind the gateway tests: two ISPs, a camera with an open finding of the gateway's
 * ISP, a neighbour whose finding is another ISP's, an approved C&C endpoint, and an ISP user
 * whose API token the gateway uses. Closing the finding is what a re-check that no longer sees
 * it does.
 */
import type { Finding } from '../../src/core/records.ts';
import { hashPassword } from '../../src/server/auth/password.ts';
import { issueApiToken } from '../../src/server/auth/tokens.ts';
import { openStore } from '../../src/store/open-store.ts';
import { approveIndicator } from './approved-indicator.ts';
import { testScryptCost } from './server-fixture.ts';

export interface GatewayStoreAddresses {
  /** The camera of the gateway's ISP (isp-e2e). */
  device: string;
  /** A device of another ISP (isp-other) in the same network. */
  neighbour: string;
  /** The approved C&C endpoint (port 4444). */
  cnc: string;
}

export const gatewayTestCncPort = 4444;
const scope = (ip: string) => [`${ip.split('.').slice(0, 3).join('.')}.0/24`];

/**
 * @example const token = await prepareGatewayStore(file, { device: '198.18.165.2', neighbour: '198.18.165.3', cnc: '198.19.165.66' })
 */
export async function prepareGatewayStore(file: string, address: GatewayStoreAddresses): Promise<string> {
  const store = await openStore(file);
  try {
    const at = '2026-12-01T00:00:00.000Z';
    await store.upsertIsps(
      ['isp-e2e', 'isp-other'].map((id) => ({
        id,
        name: id,
        asns: [],
        prefixes: [],
        contacts: { portalUsers: [] },
        preferences: { format: 'csv', cadence: 'weekly', language: 'ja' },
        managesCustomerDevices: false,
      })),
      { at },
    );
    const run = await store.startRun({ startedAt: at, scope: scope(address.device), exclude: [], ports: [554], checks: ['credentials'] });
    await store.recordDevices(run, [
      { ip: address.device, identity: { vendor: 'Acme', model: 'Cam-1', deviceType: 'ip-camera', confidence: 0.9, evidence: [] } },
    ]);
    const weak = (ip: string) => ({ kind: 'weak-credential', ip, port: 554, protocol: 'rtsp', evidence: {}, observedAt: at }) as Finding;
    await store.reconcileFindings(run, { found: [weak(address.device), weak(address.neighbour)], covered: [] });
    const ids = new Map((await store.listFindings()).map((row) => [row.ip, row.id]));
    // The neighbour's finding belongs to another ISP: this ISP's gateway must not quarantine it.
    await store.recordAttributions([
      { findingId: ids.get(address.device)!, attribution: { source: 'registry', ispId: 'isp-e2e' } },
      { findingId: ids.get(address.neighbour)!, attribution: { source: 'registry', ispId: 'isp-other' } },
    ]);
    await approveIndicator(store, address.cnc, gatewayTestCncPort, at);
    const user = await store.createWebUser({
      name: 'gateway@e2e',
      role: 'isp',
      ispId: 'isp-e2e',
      passwordHash: await hashPassword('unused password 1', testScryptCost),
      createdAt: at,
    });
    return (await issueApiToken(store, user, 'gateway e2e', new Date(at))).token;
  } finally {
    await store.close();
  }
}

/** @example await closeGatewayFinding(file, '198.18.165.2') */
export async function closeGatewayFinding(file: string, ip: string): Promise<void> {
  const store = await openStore(file);
  try {
    const run = await store.startRun({ startedAt: new Date().toISOString(), scope: scope(ip), exclude: [], ports: [554], checks: ['credentials'] });
    await store.reconcileFindings(run, { found: [], covered: [{ ip, port: 554, protocol: 'rtsp', kind: 'weak-credential' }] });
  } finally {
    await store.close();
  }
}

/**
 * One more open weak-credential finding of the gateway's ISP, at an address and port.
 * @example await addGatewayFinding(file, { ip: '198.19.166.1', port: 2323, protocol: 'telnet' })
 */
export async function addGatewayFinding(file: string, finding: { ip: string; port: number; protocol: string }): Promise<void> {
  const store = await openStore(file);
  try {
    const at = '2026-12-01T00:00:00.000Z';
    const run = await store.startRun({ startedAt: at, scope: scope(finding.ip), exclude: [], ports: [finding.port], checks: ['credentials'] });
    await store.reconcileFindings(run, { found: [{ kind: 'weak-credential', ...finding, evidence: {}, observedAt: at } as Finding], covered: [] });
    const id = (await store.listFindings()).find((row) => row.ip === finding.ip && row.port === finding.port)!.id;
    await store.recordAttributions([{ findingId: id, attribution: { source: 'registry', ispId: 'isp-e2e' } }]);
  } finally {
    await store.close();
  }
}
