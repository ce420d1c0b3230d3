/**
 * A device's SNMP agent: it answers a GetRequest only when the community is the one it reads
 * (`public` on the weak ones, as shipped), and drops every other request in silence — as net-snmp
 * and most embedded agents do, so a survey cannot tell a wrong community from a closed port.
 */
import { readSnmpGet, type SnmpValue, writeSnmpResponse } from './ber.ts';

export interface SnmpPersona {
  community: string;
  sysDescr: string;
  sysObjectId: string;
  sysName: string;
}

const system = '1.3.6.1.2.1.1';

/**
 * @example snmpResponses(getRequest, { community: 'public', sysDescr: 'Linux QR-2200', sysObjectId: '1.3.6.1.4.1.8072.3.2.10', sysName: 'qr-2200' })
 */
export function snmpResponses(request: Buffer, persona: SnmpPersona): Buffer[] {
  const get = readSnmpGet(request);
  if (!get || get.community !== persona.community || get.version > 1 || get.oids.length === 0 || get.oids.length > 16) return [];
  const answerFor = (oid: string): SnmpValue => {
    if (oid === `${system}.1.0`) return { text: persona.sysDescr };
    if (oid === `${system}.2.0`) return { oid: persona.sysObjectId };
    if (oid === `${system}.3.0`) return { ticks: 8_640_000 }; // a day, in hundredths of a second
    if (oid === `${system}.5.0`) return { text: persona.sysName };
    return undefined;
  };
  return [writeSnmpResponse(get, answerFor)];
}
