import type { CredentialAttempt, Device, DeviceIdentity, Finding, GrabStatus, OpenPort, ServiceDetectionRecord, ServiceObservation } from '../core/records.ts';
import type { CoveredCheck } from '../store/roles/findings.ts';
import type { DictionaryEntry } from '../assess/credentials/dictionary.ts';
import type { CredentialCheckOutcome } from '../protocols/credential-checker.ts';
import { orderEntries } from '../assess/credentials/order.ts';
import { extractOwnerContact } from '../identify/owner-contact.ts';
import { assessReflection } from '../assess/reflector/reflector.ts';
import { type DetectionLimits, detectService } from '../protocols/detect.ts';
import { contextFor, type GrabContext, recordableError } from '../protocols/grab.ts';
import type { Protocol } from '../protocols/protocol.ts';
import type { ProtocolRegistry } from '../protocols/registry.ts';
import { DialFailure } from '../scope/connection.ts';
import type { LoginTiming } from '../protocols/login-pacing.ts';
import type { LoginCheckReport } from './login-summary.ts';

/** What the device at `ip` is, from all its services together: without a vendor when only software components were recognised; undefined when nothing was. */
export type Identify = (ip: string, observations: readonly ServiceObservation[]) => DeviceIdentity | undefined;

/** What the survey of one host needs; built once per run. */
export interface HostSurveyDeps {
  context: GrabContext;
  now(): Date;
  /** The protocols a service may speak, with their detection, grab and login checker. */
  protocols: ProtocolRegistry;
  /** How hard to look for a service's protocol (waits, probes). */
  detection: DetectionLimits;
  identify: Identify;
  /** Present only when the credentials check is enabled. */
  credentials?: {
    dictionary: readonly DictionaryEntry[];
    maxAttemptsPerService: number;
    maxAttemptsPerHost: number;
    /** Answer wait, login-connection lifetime and backoff of every check. */
    timing: LoginTiming;
  };
}

export interface HostSurveyResult {
  ip: string;
  observations: ServiceObservation[];
  device?: Device;
  findings: Finding[];
  covered: CoveredCheck[];
  attempts: CredentialAttempt[];
  /** One report per credential check made (set when the credentials check ran). */
  logins?: LoginCheckReport[];
}

/**
 * Survey one host: grab every open TCP port, identify the device from all its services
 * together (the UDP services the UDP stage observed included), then (if enabled) try
 * credentials service by service, likeliest pairs for the identified vendor first, within the
 * per-service and per-host caps; UDP services whose protocol measures reflection are checked
 * for amplification.
 * @example const result = await surveyHost(deps, '127.77.3.4', openPorts, udpObservations)
 */
export async function surveyHost(
  deps: HostSurveyDeps,
  ip: string,
  openPorts: readonly OpenPort[],
  udpObservations: readonly ServiceObservation[] = [],
): Promise<HostSurveyResult> {
  const observations: ServiceObservation[] = [];
  // Port order, not discovery order: the same host is grabbed the same way every run.
  for (const open of [...openPorts].sort((a, b) => a.port - b.port)) {
    observations.push(await observeService(deps, ip, open.port));
  }
  observations.push(...[...udpObservations].sort((a, b) => a.port - b.port));
  const identity = deps.identify(ip, observations);
  // Only a critical device's contact is read: it is what the sector's handling path needs, and
  // reading contacts off every camera's page would collect personal data for no purpose.
  const ownerContact = identity?.deviceType === 'critical' ? extractOwnerContact(observations) : undefined;
  const device = identity ? { ip, identity, ...(ownerContact ? { ownerContact } : {}) } : undefined;
  const result: HostSurveyResult = { ip, observations, device, findings: [], covered: [], attempts: [] };
  if (deps.credentials) await checkCredentials(deps, deps.credentials, result);
  checkReflection(deps, udpObservations, result);
  return result;
}

/** Each UDP service's reflection measure: an amplifier is a finding; an answer without one closes an earlier finding. */
function checkReflection(deps: HostSurveyDeps, udpObservations: readonly ServiceObservation[], result: HostSurveyResult): void {
  for (const service of udpObservations) {
    const { finding, concluded } = assessReflection(service, deps.protocols.byName(service.protocol)?.reflection);
    if (finding) result.findings.push(finding);
    if (concluded) result.covered.push({ ip: service.ip, port: service.port, protocol: service.protocol, kind: 'reflector' });
  }
}

/**
 * One open port: find its protocol whatever the port's number (protocols/detect.ts), then grab
 * it with that protocol. A service no protocol recognises is recorded under the port's usual
 * protocol's name (or "unknown") with why detection ended, so it still counts and shows.
 */
async function observeService(deps: HostSurveyDeps, ip: string, port: number): Promise<ServiceObservation> {
  const started = performance.now();
  const observedAt = deps.now().toISOString();
  const found = await detectService(deps.context, { ip, port }, deps.protocols, deps.detection);
  const detection: ServiceDetectionRecord = {
    method: found.method,
    probes: found.probes,
    connections: found.connections,
    ...(found.unrecognised !== undefined ? { unrecognised: found.unrecognised } : {}),
  };
  if (!found.protocol) {
    const name = deps.protocols.forPort(port)?.name ?? 'unknown';
    const result = found.unrecognised !== undefined ? { unrecognised: found.unrecognised } : {};
    return {
      ip,
      port,
      protocol: name,
      status: found.status,
      result,
      error: found.error === undefined ? undefined : recordableError(found.error),
      durationMs: Math.round(performance.now() - started),
      observedAt,
      detection,
    };
  }
  return { ...(await grabService(deps, found.protocol, ip, port, observedAt)), durationMs: Math.round(performance.now() - started), detection };
}

async function grabService({ context }: HostSurveyDeps, protocol: Protocol, ip: string, port: number, observedAt: string): Promise<ServiceObservation> {
  const started = performance.now();
  let status: GrabStatus;
  let result: Record<string, unknown> = {};
  let error: string | undefined;
  try {
    const outcome = await protocol.grab(contextFor(context, protocol.transport), { ip, port });
    ({ status, result } = outcome);
    error = outcome.error === undefined ? undefined : recordableError(outcome.error);
  } catch (thrown) {
    // A grabber is not supposed to throw; if one does, record it rather than lose the host.
    status = thrown instanceof DialFailure ? thrown.status : 'unknown-error';
    error = recordableError(thrown instanceof Error ? thrown.message : String(thrown));
  }
  return { ip, port, protocol: protocol.name, status, result, error, durationMs: Math.round(performance.now() - started), observedAt };
}

async function checkCredentials(deps: HostSurveyDeps, settings: NonNullable<HostSurveyDeps['credentials']>, result: HostSurveyResult): Promise<void> {
  let hostBudget = settings.maxAttemptsPerHost;
  const reports: LoginCheckReport[] = [];
  result.logins = reports;
  for (const service of result.observations) {
    if (service.status !== 'success') continue;
    const checker = deps.protocols.byName(service.protocol)?.credentials;
    if (!checker?.appliesTo(service)) continue;
    // What the grab already proves costs no try, so a spent budget does not hide it.
    const known = checker.concludeFromGrab?.(service);
    if (!known && hostBudget <= 0) continue;
    const plainProtocol = deps.protocols.ruleAliases.get(service.protocol);
    const entries = orderEntries(settings.dictionary, {
      vendor: result.device?.identity.vendor,
      protocol: service.protocol,
      ...(plainProtocol ? { plainProtocol } : {}),
    });
    const maxAttempts = Math.min(settings.maxAttemptsPerService, hostBudget);
    const started = performance.now();
    let outcome: CredentialCheckOutcome;
    try {
      const transport = deps.protocols.byName(service.protocol)?.transport ?? 'tcp';
      outcome =
        known ??
        (await checker.check(contextFor(deps.context, transport), service, entries, {
          maxAttempts,
          timing: settings.timing,
          audit: (attempt) => result.attempts.push(attempt),
        }));
    } catch (thrown) {
      outcome = { status: 'unknown-error' as const, attempts: 0, evidence: {}, error: thrown instanceof Error ? thrown.message : String(thrown) };
    }
    hostBudget -= outcome.attempts;
    const stoppedAtCap = !known && outcome.attempts >= maxAttempts && maxAttempts < entries.length;
    const report = loginReport(service.protocol, service.port, outcome, performance.now() - started, stoppedAtCap);
    reports.push(report);
    const target = { ip: service.ip, port: service.port, protocol: service.protocol };
    const observedAt = deps.now().toISOString();
    const { protocol: _protocol, port: _port, ...pace } = report;
    const evidence = { checker: service.protocol, ...pace, ...outcome.evidence };
    if (outcome.noAuthentication) {
      result.findings.push({ kind: 'no-authentication', ...target, evidence, observedAt });
    } else if (outcome.accepted) {
      result.findings.push({
        kind: 'weak-credential',
        ...target,
        dictionaryEntryId: outcome.accepted.id,
        evidence: { ...evidence, username: outcome.accepted.username },
        observedAt,
      });
    }
    // Only a check that ran to a conclusion can close an earlier finding: a timeout proves nothing.
    const concluded = outcome.status === 'success' || outcome.accepted !== undefined || outcome.noAuthentication === true;
    if (concluded) {
      result.covered.push({ ...target, kind: 'weak-credential' }, { ...target, kind: 'no-authentication' });
    }
  }
}

/** The pace of one check, for the finding evidence and the survey summary. */
function loginReport(protocol: string, port: number, outcome: CredentialCheckOutcome, durationMs: number, atCap: boolean): LoginCheckReport {
  const pace = outcome.pace ?? { connections: Number(outcome.evidence.connections ?? 0), maxTriesPerConnection: 0, retries: 0, backoffs: 0 };
  const found = outcome.accepted !== undefined || outcome.noAuthentication === true;
  return {
    protocol,
    port,
    attempts: outcome.attempts,
    durationMs: Math.round(durationMs),
    ...pace,
    stoppedAtCap: !found && atCap,
  };
}
