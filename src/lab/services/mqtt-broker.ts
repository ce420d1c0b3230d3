/**
 * A small MQTT broker for the lab, speaking through the survey's own codec: it reads one
 * CONNECT, answers with a CONNACK as Debian's mosquitto 2.0 does (3.x: 5 "not authorized" for a
 * missing or wrong login, 1 for an unknown level; MQTT 5: 0x87), and after an accepted CONNACK
 * reads on and counts: a DISCONNECT ends the connection, any other packet (SUBSCRIBE, PUBLISH,
 * PINGREQ …) is a command after login, which a survey must never send. It never delivers
 * messages. Hostile variants are in mqtt-hostile.ts.
 */
import type { Socket } from 'node:net';
import { packetName, packetTypes, parseFrame } from '../../protocols/mqtt/codec.ts';
import { encodeConnack } from '../../protocols/mqtt/connack.ts';
import { type ConnectPacket, decodeConnect } from '../../protocols/mqtt/connect.ts';
import type { LabStatsRecorder } from '../stats.ts';
import type { LabCredential } from '../types.ts';
import { connectionScope } from './connection-scope.ts';

export interface MqttBrokerSettings {
  /** The one pair accepted. Absent: every client is let in, with or without a login (mosquitto's `allow_anonymous true`). */
  credential?: LabCredential;
  /** Protocol levels spoken: 3 (3.1), 4 (3.1.1), 5. Mosquitto speaks all three (the default). */
  levels?: readonly number[];
  /** Answer the first N CONNECTs with "server unavailable", as a broker that is starting up or shedding load. */
  unavailableFirst?: number;
}

/** What one connection sent and got, for tests to look at. */
export interface MqttSessionRecord {
  clientId?: string;
  level?: number;
  username?: string;
  /** The CONNACK's code; absent when none was sent. */
  returnCode?: number;
  /** Every byte received after an accepted CONNACK (first 4 KiB). */
  afterConnack: Buffer;
  /** The packets among them, by name ("DISCONNECT", "SUBSCRIBE" …). */
  packetsAfterConnack: string[];
}

export interface MqttBroker {
  /** Serve one accepted connection. */
  serve(socket: Socket): void;
  /** Every connection so far (the last 1000), oldest first. */
  sessions(): readonly MqttSessionRecord[];
}

/** Largest packet read; mosquitto's default message size limit is larger, but the lab's clients send tiny packets. */
const maxPacketBytes = 64 * 1024;
const maxRecordedBytes = 4096;
const maxRecordedSessions = 1000;
const idleTimeoutMs = 10_000;

/**
 * @example const broker = createMqttBroker({ credential: { username: 'admin', password: 'admin' } }, stats); createServer(broker.serve)
 */
export function createMqttBroker(settings: MqttBrokerSettings, stats: LabStatsRecorder): MqttBroker {
  const levels = settings.levels ?? [3, 4, 5];
  const records: MqttSessionRecord[] = [];
  let unavailableLeft = settings.unavailableFirst ?? 0;

  const answerTo = (connect: ConnectPacket): number => {
    const v5 = connect.level === 5;
    if (!levels.includes(connect.level)) return levels.includes(5) && !levels.includes(4) ? 0x84 : 0x01;
    if (connect.clientId === '' && (!connect.cleanSession || connect.level === 3)) return v5 ? 0x85 : 0x02;
    if (unavailableLeft > 0) {
      unavailableLeft--;
      return v5 ? 0x88 : 0x03;
    }
    const credential = settings.credential;
    if (!credential) return 0;
    if (connect.username === undefined) return v5 ? 0x87 : 0x05;
    stats.add('loginAttempts');
    const right = connect.username === credential.username && (connect.password ?? '') === credential.password;
    stats.add(right ? 'successfulLogins' : 'failedLogins');
    return right ? 0 : v5 ? 0x87 : 0x05;
  };

  const serve = (socket: Socket) => {
    const scope = connectionScope(socket);
    const record: MqttSessionRecord = { afterConnack: Buffer.alloc(0), packetsAfterConnack: [] };
    records.push(record);
    if (records.length > maxRecordedSessions) records.shift();
    let pending: Buffer = Buffer.alloc(0);
    let accepted = false;
    scope.idle(idleTimeoutMs, () => socket.destroy());

    const afterConnack = (packet: Buffer, type: number) => {
      record.afterConnack = Buffer.concat([record.afterConnack, packet]).subarray(0, maxRecordedBytes);
      record.packetsAfterConnack.push(packetName(type));
      if (type === packetTypes.disconnect) return scope.finish();
      stats.add('commandsAfterLogin');
      stats.add('bytesAfterLogin', packet.length);
    };

    socket.on('data', (chunk: Buffer) => {
      scope.touch();
      pending = Buffer.concat([pending, chunk]);
      for (let packets = 0; packets < 100 && !scope.closed; packets++) {
        const parsed = parseFrame(pending, maxPacketBytes);
        if (parsed.state === 'incomplete') return;
        if (parsed.state === 'invalid') {
          if (accepted) afterConnack(pending.subarray(0, maxRecordedBytes), 0);
          return void socket.destroy();
        }
        const packet = pending.subarray(0, parsed.end);
        pending = pending.subarray(parsed.end);
        if (accepted) {
          afterConnack(packet, parsed.frame.type);
          continue;
        }
        // The first packet must be a CONNECT; a broker drops anything else.
        const connect = parsed.frame.type === packetTypes.connect ? decodeConnect(parsed.frame.body) : undefined;
        if (connect?.state !== 'complete') return void socket.destroy();
        const returnCode = answerTo(connect.connect);
        Object.assign(record, {
          clientId: connect.connect.clientId,
          level: connect.connect.level,
          returnCode,
          ...(connect.connect.username === undefined ? {} : { username: connect.connect.username }),
        });
        const level = connect.connect.level === 5 || returnCode === 0x84 ? 5 : 4;
        const connack = encodeConnack({ level, sessionPresent: false, returnCode, ...(level === 5 ? { properties: propertiesFor(returnCode) } : {}) });
        if (returnCode !== 0) return scope.finish(connack);
        accepted = true;
        scope.write(connack);
      }
    });
  };

  return { serve, sessions: () => records.map((record) => ({ ...record, packetsAfterConnack: [...record.packetsAfterConnack] })) };
}

/** What mosquitto 2.0 sends with an MQTT 5 CONNACK. */
function propertiesFor(returnCode: number) {
  return returnCode === 0 ? { topicAliasMaximum: 10, receiveMaximum: 20 } : {};
}
