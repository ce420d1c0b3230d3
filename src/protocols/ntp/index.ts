/**
 * NTP (UDP 123). Time servers in routers and appliances often answer management queries:
 * mode 6 READVAR names the software (version, system, processor, stratum), and the old mode 7
 * MON_GETLIST_1 ("monlist") returns up to 600 addresses in up to 100 packets for one small
 * request — the amplifier of the 2014 reflection attacks. The survey reads the variables and
 * asks monlist once, only of a server that answered READVAR.
 */
import { defineProtocol } from '../protocol.ts';
import { reflectionFields } from '../udp-reflection.ts';
import { grabNtp, type NtpResult } from './grabber.ts';
import { ntpProbe } from './probe.ts';

export default defineProtocol<NtpResult>({
  name: 'ntp',
  description: 'time server; its mode 6 variables name the software, and one that answers mode 7 monlist is a strong reflector',
  transport: 'udp',
  defaultPorts: [123],
  fields: {
    version: 'text',
    system: 'text',
    processor: 'text',
    stratum: 'number',
    refid: 'text',
    leap: 'number',
    monlist: 'boolean',
    monlistEntries: 'number',
    reflection: reflectionFields,
  },
  fieldNotes: {
    version: 'mode 6 `version`: `ntpd 4.2.8p15@1.3728-o …`, `ntpd ntpsec-1.2.2 …`',
    system: 'mode 6 `system`: `Linux/5.10.0`, `cisco` …',
    processor: 'mode 6 `processor`: `x86_64`, `mips` …',
    stratum: 'mode 6 `stratum` (16: not synchronised)',
    monlist: 'the server answered the mode 7 MON_GETLIST_1 request with a list (an error answer does not count)',
    monlistEntries: 'addresses in the monitor list it returned',
    reflection: '`monlist` figures when it was answered, else `READVAR` (`reflection.request` names it)',
  },
  detect: { probe: ntpProbe },
  grab: grabNtp,
  reflection: (result) => result.reflection,
});
