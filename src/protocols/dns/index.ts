/**
 * DNS (UDP 53). An open resolver answers anyone's recursive questions, and with ANY or
 * DNSSEC-signed names it is among the strongest reflectors. The survey asks only for a name the
 * operator controls (the plan's `resolverCheckName`, A record, RD set): a server that resolves it
 * with RA set is an open resolver. It also asks `version.bind` CH TXT, without recursion, to
 * name the software. The reflection figure is the harmless A question's: a floor, far below
 * what an attacker's ANY query draws.
 */
import { defineProtocol } from '../protocol.ts';
import { reflectionFields } from '../udp-reflection.ts';
import { type DnsResult, grabDns } from './grabber.ts';
import { dnsProbe } from './probe.ts';

export default defineProtocol<DnsResult>({
  name: 'dns',
  description: 'name server; one that resolves anyone’s recursive questions (an open resolver) is a classic reflector',
  transport: 'udp',
  defaultPorts: [53],
  fields: {
    recursionAvailable: 'boolean',
    openResolver: 'boolean',
    rcode: 'text',
    version: 'text',
    reflection: reflectionFields,
  },
  fieldNotes: {
    recursionAvailable: 'RA in the reply to the recursive question (to version.bind when the plan names no check name)',
    openResolver: 'the server resolved the plan’s check name for us: RA, NOERROR and an answer for the name',
    rcode: 'reply code of that reply: `NOERROR`, `REFUSED`, `SERVFAIL`, `NXDOMAIN` …',
    version: '`version.bind` CH TXT: the software and version, when the server tells it (`dnsmasq-2.90`, `9.18.28-1~deb12u2-Debian` …)',
    reflection: 'the recursive A question’s figures, only when the server resolved it (a floor: attacks use ANY)',
  },
  detect: { probe: dnsProbe },
  grab: grabDns,
  reflection: (result) => result.reflection,
});
