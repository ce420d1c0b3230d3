/**
 * The ACME echo protocol as opennotice sees it: a UDP protocol folder like the ones under
 * src/protocols/, with a reflection measure and a login verdict the grab alone proves. Added to
 * a registry with one line, its default UDP port is surveyed, its services join their hosts'
 * TCP services and its amplifying devices become reflector findings.
 */
import { defineProtocol } from '../../../src/protocols/protocol.ts';
import { reflectionFields } from '../../../src/protocols/udp-reflection.ts';
import { type AcmeEchoResult, grabAcmeEcho } from './grabber.ts';

export const acmeEchoPort = 7171;

export default defineProtocol<AcmeEchoResult>({
  name: 'acme-echo',
  description: 'a made-up UDP status protocol of the test fixture',
  transport: 'udp',
  defaultPorts: [acmeEchoPort],
  fields: { model: 'text', firmware: 'text', open: 'boolean', answers: 'number', reflection: reflectionFields },
  grab: grabAcmeEcho,
  reflection: (result) => result.reflection,
  credentials: {
    appliesTo: (service) => service.result.open === true,
    // An open device answers anyone: the grab proves it, no pair is tried.
    concludeFromGrab: () => ({ status: 'success', noAuthentication: true, attempts: 0, evidence: { answered: 'status without a login' } }),
    check: async () => ({ status: 'success', attempts: 0, evidence: {} }),
  },
});
