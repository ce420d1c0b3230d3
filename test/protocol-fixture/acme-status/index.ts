/**
 * The ACME status protocol as opennotice sees it: one object, like every protocol folder under
 * src/protocols/. Added to a registry with one line, it is surveyed on its default port, its
 * fields can be read by identification rules, and its checker tries the dictionary.
 */
import { defineProtocol } from '../../../src/protocols/protocol.ts';
import { acmeStatusChecker } from './credentials.ts';
import { type AcmeStatusResult, grabAcmeStatus } from './grabber.ts';

export default defineProtocol<AcmeStatusResult>({
  name: 'acme-status',
  description: 'a made-up status protocol of the test fixture',
  transport: 'tcp',
  defaultPorts: [7070],
  fields: { greeting: 'text', model: 'text', firmware: 'text', loginRequired: 'boolean' },
  fieldNotes: { greeting: 'the whole first line' },
  grab: grabAcmeStatus,
  credentials: acmeStatusChecker,
});
