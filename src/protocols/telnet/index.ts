/**
 * Telnet (RFC 854): the banner and prompt often name the device and its firmware, and the
 * login prompt is where Mirai-like bots, and our dictionary, try default pairs. The lab's
 * telnet devices speak through the same codec.
 */
import { defineProtocol } from '../protocol.ts';
import { createTelnetChecker } from './credentials.ts';
import { looksLikeTelnet } from './codec.ts';
import { createTelnetGrabber, type TelnetResult } from './grabber.ts';

export default defineProtocol<TelnetResult>({
  name: 'telnet',
  description: 'remote terminal; the banner and prompt name many devices, and its login is where Mirai-like bots try default pairs',
  transport: 'tcp',
  defaultPorts: [23, 2323],
  otherPorts: [8023],
  fields: {
    banner: 'text',
    prompt: 'text',
    promptKind: 'text',
    negotiation: { do: 'list', will: 'list', dont: 'list', wont: 'list' },
  },
  fieldNotes: {
    banner: 'text before the first prompt, IAC removed, `\\n` line ends',
    prompt: 'last line, e.g. `login:`',
    promptKind: '`login`, `password`, `shell`, `none`',
    negotiation: 'options the device asked for and agreed to (lists: not matchable)',
  },
  detect: { banner: looksLikeTelnet },
  grab: createTelnetGrabber().grab,
  credentials: createTelnetChecker(),
});
