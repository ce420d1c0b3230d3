// How well a tool named the services of the lab's ordinary devices, scored alike for opennotice
// and nmap against the lab's truth: precision and recall by (address, port, protocol), accuracy
// on the services moved off their usual port, and, per protocol, what the tool said instead.
import type { LabTruth } from '../src/lab/truth.ts';
import type { ServiceCall } from './_nmap.ts';

/** A service the lab really runs, as the truth states it. */
export interface TruthService {
  ip: string;
  port: number;
  protocol: string;
  /** The protocol's usual port, when the service was moved off it (the truth's `movedFrom`). */
  movedFrom?: number;
}

/** Per protocol the lab speaks: how many services, how many named right, and the other names given. */
export interface ProtocolNaming {
  services: number;
  correct: number;
  /** Name given instead of the right one → services; "(none)" when the tool named nothing. */
  namedInstead: Map<string, number>;
}

export interface NamingScore {
  /** True services of ordinary devices at the scored addresses. */
  expected: number;
  /** Services the tool named (rightly or not, truth service or not). */
  named: number;
  correct: number;
  precision: number;
  recall: number;
  /** Over the true services that were moved: named right ÷ moved services (the same denominator for every tool). */
  moved: { services: number; correct: number; accuracy: number; wrong: MovedMisname[] };
  byProtocol: Map<string, ProtocolNaming>;
}

/** A moved service named wrongly or not at all, and what the tool said. */
export interface MovedMisname extends TruthService {
  said: string;
}

/** The name given to a service the tool did not name at all, in `namedInstead`. */
export const notNamed = '(none)';

/**
 * The services of the ordinary devices at `addresses`. Hostile devices are left out: they
 * speak no protocol on purpose, so there is nothing to name right.
 * @example truthServices(lab.truth, new Set(['127.77.0.5'])) // [{ ip: '127.77.0.5', port: 23, protocol: 'telnet' }, …]
 */
export function truthServices(truth: LabTruth, addresses: ReadonlySet<string>): TruthService[] {
  return truth.devices
    .filter((device) => device.role === 'device' && addresses.has(device.ip))
    .flatMap((device) =>
      device.services.map((service) => ({
        ip: device.ip,
        port: service.port,
        protocol: service.protocol,
        ...(service.movedFrom !== undefined ? { movedFrom: service.movedFrom } : {}),
      })),
    );
}

/**
 * Score a tool's names against the true services.
 * @example scoreNaming(truthServices(truth, sample), [{ ip: '127.77.0.5', port: 23, protocol: 'telnet' }]).recall
 */
export function scoreNaming(expected: readonly TruthService[], calls: readonly ServiceCall[]): NamingScore {
  const said = new Map(calls.map((call) => [`${call.ip}:${call.port}`, call.protocol]));
  const score: NamingScore = {
    expected: expected.length,
    named: calls.length,
    correct: 0,
    precision: 1,
    recall: 1,
    moved: { services: 0, correct: 0, accuracy: 1, wrong: [] },
    byProtocol: new Map(),
  };
  for (const service of expected) {
    const name = said.get(`${service.ip}:${service.port}`);
    const right = name === service.protocol;
    const naming = score.byProtocol.get(service.protocol) ?? { services: 0, correct: 0, namedInstead: new Map<string, number>() };
    score.byProtocol.set(service.protocol, naming);
    naming.services++;
    if (right) {
      naming.correct++;
      score.correct++;
    } else {
      const instead = name ?? notNamed;
      naming.namedInstead.set(instead, (naming.namedInstead.get(instead) ?? 0) + 1);
    }
    if (service.movedFrom !== undefined) {
      score.moved.services++;
      if (right) score.moved.correct++;
      else score.moved.wrong.push({ ...service, said: name ?? notNamed });
    }
  }
  score.precision = calls.length === 0 ? 1 : score.correct / calls.length;
  score.recall = expected.length === 0 ? 1 : score.correct / expected.length;
  score.moved.accuracy = score.moved.services === 0 ? 1 : score.moved.correct / score.moved.services;
  return score;
}

/**
 * "nagios-nsca ×2, (none) ×1": the names given instead of the right one, most frequent first.
 * @example describeMisnames(new Map([['http', 3]])) // 'http ×3'
 */
export function describeMisnames(namedInstead: ReadonlyMap<string, number>): string {
  return [...namedInstead]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, count]) => `${name} ×${count}`)
    .join(', ');
}
