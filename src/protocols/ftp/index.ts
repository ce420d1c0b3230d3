/**
 * FTP (RFC 959): the greeting names the server, often the device's firmware; USER/PASS is a
 * login the dictionary is tried on. Port 21.
 */
import { defineProtocol } from '../protocol.ts';
import { ftpChecker } from './credentials.ts';
import { looksLikeFtp } from './codec.ts';
import { type FtpResult, grabFtp } from './grabber.ts';

export default defineProtocol<FtpResult>({
  name: 'ftp',
  description: 'file transfer; the greeting often names the device and its firmware',
  transport: 'tcp',
  defaultPorts: [21],
  otherPorts: [2121],
  fields: { banner: 'text', code: 'number' },
  fieldNotes: { banner: 'whole 220 greeting, codes stripped, lines joined with `\\n`' },
  detect: { banner: looksLikeFtp },
  grab: grabFtp,
  credentials: ftpChecker,
});
