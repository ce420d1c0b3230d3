/**
 * FTP (RFC 959): the greeting names the server, often the device's firmware; USER/PASS is a
 * login the dictionary is tried on. Port 21.
 */
import { defineProtocol } from '../protocol.ts';
import { ftpChecker } from './credentials.ts';
import { type FtpResult, grabFtp } from './grabber.ts';

export default defineProtocol<FtpResult>({
  name: 'ftp',
  transport: 'tcp',
  defaultPorts: [21],
  fields: { banner: 'text', code: 'number' },
  grab: grabFtp,
  credentials: ftpChecker,
});
