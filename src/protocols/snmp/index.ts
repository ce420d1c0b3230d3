/**
 * SNMP (UDP 161), the management agent of routers, printers, cameras and UPSes. A survey sends
 * one GetRequest for four scalars of the system group with the well-known community `public`
 * (v2c, then v1 if v2c got no answer): an answer names the device (sysDescr, sysObjectID,
 * sysName) and proves the community readable, a weak-credential finding. The same request is
 * the reflection measure; attackers use GetBulk for more, so the figure is a floor.
 */
import { defineProtocol } from '../protocol.ts';
import { reflectionFields } from '../udp-reflection.ts';
import { snmpChecker } from './credentials.ts';
import { grabSnmp, type SnmpResult } from './grabber.ts';
import { snmpProbe } from './probe.ts';

export default defineProtocol<SnmpResult>({
  name: 'snmp',
  description: 'management agent of routers, printers and cameras; the default community `public` answered lets anyone read it, and reflects',
  transport: 'udp',
  defaultPorts: [161],
  fields: {
    version: 'text',
    community: 'text',
    sysDescr: 'text',
    sysObjectId: 'text',
    sysUpTime: 'number',
    sysName: 'text',
    errorStatus: 'number',
    reflection: reflectionFields,
  },
  fieldNotes: {
    version: '`v2c` or `v1`: the version that answered (v2c is asked first)',
    community: 'the community the agent answered: `public`',
    sysDescr: 'sysDescr.0: the agent’s description, often vendor, model and firmware',
    sysObjectId: 'sysObjectID.0, dotted: the vendor’s enterprise OID names the vendor (1.3.6.1.4.1.9… is Cisco)',
    sysUpTime: 'sysUpTime.0 in hundredths of a second',
    sysName: 'sysName.0: the name the owner gave the device',
    errorStatus: 'non-zero error-status of the Response (2: noSuchName from a v1 agent)',
    reflection: 'the GetRequest’s reflection figures: `reflection.requestBytes`, `reflection.replyBytes` …',
  },
  detect: { probe: snmpProbe },
  grab: grabSnmp,
  reflection: (result) => result.reflection,
  credentials: snmpChecker,
});
