/**
 * A lab device's UDP services: one socket bound to the device's address and the service's
 * port, answering each datagram as the device's software would (or, on hostile devices, as a
 * broken or malicious host would). Replies go to the sender's address and port only.
 */
import { createSocket, type Socket as DatagramSocket } from 'node:dgram';
import { createRandom, hashText } from '../../../core/random.ts';
import type { LabStatsRecorder } from '../../stats.ts';
import type { HostileUdpBehaviour, LabDevice, LabUdpService } from '../../types.ts';
import { bacnetPersonaOf } from '../../critical/ics-a.ts';
import { bacnetResponses } from './bacnet-device.ts';
import { dnsResponses } from './dns-responder.ts';
import { memcachedResponses } from './memcached-responder.ts';
import { ntpResponses } from './ntp-responder.ts';
import { snmpResponses } from './snmp-agent.ts';
import { ssdpResponses } from './ssdp-responder.ts';

/** Answers to one request datagram; none = silence. */
export type UdpResponder = (request: Buffer) => Buffer[];

const floodDatagrams = 300;
const floodDatagramBytes = 1400;
const oversizedBytes = 65_000;

/**
 * What the device's software answers on this service.
 * @example responderOf(device, { port: 123, protocol: 'ntp', monitorEntries: 30 })(request)
 */
export function responderOf(device: LabDevice, service: LabUdpService): UdpResponder {
  const identity = device.identity;
  const model = identity?.model ?? 'gateway';
  const firmware = identity?.firmwareVersion ?? '1.0.0';
  const old = (device.firmwareDate ?? '2020-01-01') < '2014-06-01';
  const hostname = device.hostname ?? model.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  switch (service.protocol) {
    case 'ssdp': {
      const description = device.services.find((candidate) => candidate.protocol === 'upnp')?.port ?? 49152;
      const persona = {
        ip: device.ip,
        descriptionPort: description,
        server: old ? `Linux/2.6.21, UPnP/1.0, Portable SDK for UPnP devices/1.6.6` : `Linux/3.10.14 UPnP/1.0 ${model.replace(/\s+/g, '-')}/${firmware}`,
        uuid: `${hashText(device.ip).toString(16).padStart(8, '0')}-0000-1000-8000-${hashText(`${device.ip}/${model}`).toString(16).padStart(12, '0')}`,
        types: [
          'urn:schemas-upnp-org:device:InternetGatewayDevice:1',
          'urn:schemas-upnp-org:service:WANIPConnection:1',
          'urn:schemas-upnp-org:service:Layer3Forwarding:1',
        ],
      };
      return (request) => ssdpResponses(request, persona);
    }
    case 'snmp': {
      const persona = {
        community: service.community ?? 'public',
        sysDescr: `${identity?.vendor ?? 'Linux'} ${model} firmware ${firmware}`,
        sysObjectId: '1.3.6.1.4.1.8072.3.2.10',
        sysName: hostname,
      };
      return (request) => snmpResponses(request, persona);
    }
    case 'ntp': {
      const persona = {
        version: old ? 'ntpd 4.2.6p5@1.2349-o Fri Jul 22 17:30:52 UTC 2013 (1)' : 'ntpd 4.2.8p15@1.3728-o Wed Sep 23 11:46:38 UTC 2020 (1)',
        system: old ? 'Linux/2.6.36' : 'Linux/4.4.60',
        processor: 'mips',
        stratum: 3,
        monitorEntries: service.monitorEntries ?? 0,
      };
      return (request) => ntpResponses(request, persona);
    }
    case 'dns': {
      const persona = { openResolver: service.openResolver ?? false, version: old ? 'dnsmasq-2.52' : 'dnsmasq-2.78' };
      return (request) => dnsResponses(request, persona);
    }
    case 'memcached': {
      const persona = { version: '1.4.25', pid: 1000 + (hashText(device.ip) % 30000), uptime: 86_400 * 12 };
      return (request) => memcachedResponses(request, persona);
    }
    case 'bacnet': {
      const persona = bacnetPersonaOf(device);
      if (!persona) throw new Error(`${identity?.vendor ?? device.ip} has no BACnet persona`);
      const counters = { readProperty: 0, otherServices: 0 };
      return (request) => bacnetResponses(request, persona, counters);
    }
  }
}

/** Hostile answers: derived from the well-formed ones where the behaviour needs them. */
function hostileResponder(behaviour: HostileUdpBehaviour, wellFormed: UdpResponder, seed: number): UdpResponder {
  const random = createRandom(seed);
  const garbage = (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(random.next() * 256)));
  switch (behaviour) {
    case 'flood':
      return () => Array.from({ length: floodDatagrams }, () => garbage(floodDatagramBytes));
    case 'oversized':
      return () => [garbage(oversizedBytes)];
    case 'malformed':
      return (request) => {
        const first = wellFormed(request)[0] ?? garbage(64);
        return [Buffer.concat([first.subarray(0, Math.min(10, first.length)), garbage(400)])];
      };
    case 'other-port':
      return wellFormed;
  }
}

export interface UdpDeviceHandle {
  close(): void;
}

/**
 * Bind the service and answer until close().
 * @example const handle = await serveUdpService(device, service, stats); … handle.close()
 */
export async function serveUdpService(device: LabDevice, service: LabUdpService, stats: LabStatsRecorder): Promise<UdpDeviceHandle> {
  const family = device.ip.includes(':') ? 'udp6' : 'udp4';
  const socket = createSocket({ type: family, reuseAddr: false });
  const wellFormed = responderOf(device, service);
  const respond = service.hostile ? hostileResponder(service.hostile, wellFormed, hashText(`${device.ip}:${service.port}/udp`)) : wellFormed;
  // An answer "from another port" leaves through a second socket of the device.
  const sender: DatagramSocket = service.hostile === 'other-port' ? createSocket(family) : socket;
  await bind(socket, device.ip, service.port);
  if (sender !== socket) await bind(sender, device.ip, 0);
  socket.on('message', (request, from) => {
    stats.add('datagramsReceived');
    const replies = respond(request);
    if (replies.length > 0) stats.add('datagramsAnswered');
    for (const reply of replies) sender.send(reply, from.port, from.address, () => undefined);
  });
  return {
    close() {
      for (const open of new Set([socket, sender])) {
        open.removeAllListeners('message');
        try {
          open.close();
        } catch {
          // Already closed.
        }
      }
    },
  };
}

function bind(socket: DatagramSocket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`cannot bind UDP ${address}:${port}: ${error.code ?? error.message}`)));
    socket.bind({ address, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      socket.on('error', () => undefined); // after binding, a failed send must not crash the lab
      resolve();
    });
  });
}
