/**
 * SSH (RFC 4253): the identification line names the server software (often a device's
 * dropbear build); the checker is a complete SSH-2 client (own transport in transport/, on
 * node:crypto) that tries passwords and closes right after a successful login. The lab's SSH
 * server plays devices with the same transport code.
 */
import { defineProtocol } from '../protocol.ts';
import { createSshChecker } from './credentials.ts';
import { findIdentification } from './codec.ts';
import { grabSsh, type SshResult } from './grabber.ts';

export default defineProtocol<SshResult>({
  name: 'ssh',
  description: "secure shell; the identification line names the server software, often a device's dropbear build",
  transport: 'tcp',
  defaultPorts: [22],
  otherPorts: [2222],
  fields: { version: 'text', protocolVersion: 'text', software: 'text', comment: 'text' },
  fieldNotes: {
    version: 'whole line, e.g. `SSH-2.0-dropbear_2014.63`',
    software: 'e.g. `dropbear_2014.63`',
  },
  // A server sends its identification first (RFC 4253 allows lines before it).
  detect: { banner: (bytes) => findIdentification(bytes).state !== 'invalid' && bytes.includes('SSH-') },
  grab: grabSsh,
  credentials: createSshChecker(),
});
