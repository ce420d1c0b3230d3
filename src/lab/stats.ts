/**
 * What the lab's devices saw, counted per lab (never module-level): tests use it to
 * prove, for instance, that a survey never sends a command after logging in.
 */
import { type LabProtocol, labProtocols } from './types.ts';

export interface LabStats {
  connectionsAccepted: number;
  connectionsByProtocol: Record<LabProtocol, number>;
  /** Connections to hostile devices (included in connectionsAccepted). */
  hostileConnections: number;
  httpRequests: number;
  /** Passwords submitted: telnet, FTP and SSH logins, HTTP Basic headers, login forms. */
  loginAttempts: number;
  successfulLogins: number;
  failedLogins: number;
  /** Telnet sessions that reached a shell without any login. */
  openShellSessions: number;
  /** Lines (or unfinished input) a client sent after reaching a shell or an FTP login; SSH channel opens and requests after a login. Must stay 0 for a survey. */
  commandsAfterLogin: number;
  bytesAfterLogin: number;
  /** UDP datagrams received by the devices' UDP services, and those that were answered. */
  datagramsReceived: number;
  datagramsAnswered: number;
}

export type LabCounter = Exclude<keyof LabStats, 'connectionsByProtocol'>;

export interface LabStatsRecorder {
  add(counter: LabCounter, amount?: number): void;
  connection(protocol: LabProtocol, hostile: boolean): void;
  snapshot(): LabStats;
}

/**
 * @example const stats = createLabStats(); stats.add('loginAttempts'); stats.snapshot().loginAttempts // 1
 */
export function createLabStats(): LabStatsRecorder {
  const stats: LabStats = {
    connectionsAccepted: 0,
    connectionsByProtocol: Object.fromEntries(labProtocols.map((protocol) => [protocol, 0])) as Record<LabProtocol, number>,
    hostileConnections: 0,
    httpRequests: 0,
    loginAttempts: 0,
    successfulLogins: 0,
    failedLogins: 0,
    openShellSessions: 0,
    commandsAfterLogin: 0,
    bytesAfterLogin: 0,
    datagramsReceived: 0,
    datagramsAnswered: 0,
  };
  return {
    add(counter, amount = 1) {
      stats[counter] += amount;
    },
    connection(protocol, hostile) {
      stats.connectionsAccepted++;
      stats.connectionsByProtocol[protocol]++;
      if (hostile) stats.hostileConnections++;
    },
    snapshot: () => ({ ...stats, connectionsByProtocol: { ...stats.connectionsByProtocol } }),
  };
}
