/**
 * Telnet (RFC 854): the banner and prompt often name the device and its firmware, and the
 * login prompt is where Mirai-like bots, and our dictionary, try default pairs. The lab's
 * telnet devices speak through the same codec.
 */
import { defineProtocol } from '../protocol.ts';
import { createTelnetChecker } from './credentials.ts';
import { createTelnetGrabber, type TelnetResult } from './grabber.ts';

export default defineProtocol<TelnetResult>({
  name: 'telnet',
  transport: 'tcp',
  defaultPorts: [23, 2323],
  fields: {
    banner: 'text',
    prompt: 'text',
    promptKind: 'text',
    negotiation: { do: 'list', will: 'list', dont: 'list', wont: 'list' },
  },
  grab: createTelnetGrabber().grab,
  credentials: createTelnetChecker(),
});
