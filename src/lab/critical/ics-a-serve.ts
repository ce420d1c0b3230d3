/**
 * How the lab serves the TCP services of the critical devices of ics-a.ts: their Modbus and
 * EtherNet/IP personas on the lab's simulators. Each service keeps its own counters of requests
 * a survey must never send (other Modbus functions, other encapsulation commands).
 */
import type { Socket } from 'node:net';
import { serveEnipDevice } from '../services/enip-device.ts';
import { serveModbusDevice } from '../services/modbus-device.ts';
import type { LabDevice } from '../types.ts';
import { enipPersonaOf, modbusPersonaOf } from './ics-a.ts';

/**
 * The connection handler of one Modbus or EtherNet/IP service of a critical device.
 * @example icsAConnectionHandler(device, 'modbus')(socket)
 */
export function icsAConnectionHandler(device: LabDevice, protocol: 'modbus' | 'enip'): (socket: Socket) => void {
  if (protocol === 'modbus') {
    const persona = modbusPersonaOf(device);
    if (!persona) throw new Error(`${device.identity?.vendor ?? device.ip} has no Modbus persona`);
    const counters = { identificationRequests: 0, otherFunctions: 0 };
    return (socket) => serveModbusDevice(socket, persona, counters);
  }
  const persona = enipPersonaOf(device);
  if (!persona) throw new Error(`${device.identity?.vendor ?? device.ip} has no EtherNet/IP persona`);
  const counters = { listIdentity: 0, otherCommands: 0 };
  return (socket) => serveEnipDevice(socket, persona, counters);
}
