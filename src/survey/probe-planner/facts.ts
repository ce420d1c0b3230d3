/**
 * What the probe planner knows: the TCP services, device classes and findings earlier surveys
 * stored, reduced to plain data. The planner is a pure function of these facts, so the same
 * code plans a real survey (facts read from the store here) and a simulated round of the lab
 * evaluation (facts kept by the simulation, test/support/lab/probe-evaluation.ts).
 */
import type { DeviceType } from '../../core/records.ts';
import type { ProtocolRegistry } from '../../protocols/registry.ts';
import type { FindingStore } from '../../store/roles/findings.ts';
import type { InventoryStore } from '../../store/roles/inventory.ts';
import type { RunStore } from '../../store/roles/runs.ts';

/** A device class the planner learns rates for: an identified type, or not identified. */
export type DeviceClass = DeviceType | 'unidentified';

/** One TCP service as last seen: the rounds are run ids. */
export interface KnownService {
  ip: string;
  port: number;
  firstRunId: number;
  lastRunId: number;
}

/** A finding's life in rounds; `closedRunId` set when it was closed as remediated. */
export interface KnownFinding {
  ip: string;
  port: number;
  status: 'open' | 'closed';
  firstRunId: number;
  lastRunId: number;
  closedRunId?: number;
}

export interface ProbeFacts {
  /** Ids of the survey runs (rounds), oldest first; the plan is for the round after the last. */
  rounds: readonly number[];
  services: readonly KnownService[];
  /** The current class of each identified address. */
  devices: ReadonlyMap<string, DeviceClass>;
  findings: readonly KnownFinding[];
}

/** The store roles the planner reads: services, device identities, findings and runs. */
export type ProbeFactsStore = Pick<InventoryStore, 'listServices' | 'listDevices'> & Pick<FindingStore, 'listFindings'> & Pick<RunStore, 'listRuns'>;

/**
 * The facts a store holds, TCP only (UDP services are queried by the UDP stage, not dialed).
 * @example const facts = await loadProbeFacts(store, shippedProtocols)
 */
export async function loadProbeFacts(store: ProbeFactsStore, protocols: Pick<ProtocolRegistry, 'byName'>): Promise<ProbeFacts> {
  const [runs, services, devices, findings] = await Promise.all([store.listRuns(), store.listServices(), store.listDevices(), store.listFindings()]);
  const isTcp = (protocol: string) => protocols.byName(protocol)?.transport !== 'udp';
  return {
    rounds: runs.map((run) => run.id).sort((a, b) => a - b),
    services: services.filter((row) => isTcp(row.protocol)).map(({ ip, port, firstRunId, lastRunId }) => ({ ip, port, firstRunId, lastRunId })),
    devices: new Map(devices.map((device) => [device.ip, device.deviceType])),
    findings: findings
      .filter((row) => isTcp(row.protocol))
      .map(({ ip, port, status, firstRunId, lastRunId, closedRunId }) => ({
        ip,
        port,
        status,
        firstRunId,
        lastRunId,
        ...(closedRunId === undefined ? {} : { closedRunId }),
      })),
  };
}

/**
 * No knowledge: the first round of a new deployment (a function, so no caller shares the map).
 * @example planProbes(emptyProbeFacts(), space, { budget: { share: 0.2 }, seed: 1 })
 */
export function emptyProbeFacts(): ProbeFacts {
  return { rounds: [], services: [], devices: new Map(), findings: [] };
}
