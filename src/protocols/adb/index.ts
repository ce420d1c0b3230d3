/**
 * Android Debug Bridge over TCP (5555): TV boxes, cameras and phones left with network debugging
 * on. A device that answers CNXN with its own CNXN lets anyone run a shell: a `no-authentication`
 * finding. The grab sends CNXN only and closes; no OPEN (shell or service) is ever sent.
 */
import { defineProtocol } from '../protocol.ts';
import { connectMessage, isAdbReply } from './codec.ts';
import { adbChecker } from './credentials.ts';
import { type AdbResult, grabAdb } from './grabber.ts';

export default defineProtocol<AdbResult>({
  name: 'adb',
  description: 'Android Debug Bridge of TV boxes and cameras; a device that accepts a host without authorization gives anyone a shell',
  transport: 'tcp',
  defaultPorts: [5555],
  fields: {
    state: 'text',
    version: 'number',
    maxData: 'number',
    systemType: 'text',
    productName: 'text',
    productModel: 'text',
    productDevice: 'text',
    features: 'list',
  },
  fieldNotes: {
    state: '`open` (answered CNXN: no authorization), `auth-required` (sent an AUTH token), `tls-required` (sent STLS)',
    version: 'protocol version the device announced, e.g. 16777217 (0x01000001)',
    systemType: 'first field of the banner: `device`, `recovery`, `sideload`, …',
    productName: '`ro.product.name` from the banner',
    productModel: '`ro.product.model` from the banner',
    productDevice: '`ro.product.device` from the banner',
    features: 'the banner’s feature list (list: not matchable)',
  },
  detect: { probe: { request: () => connectMessage(), matches: isAdbReply } },
  grab: grabAdb,
  credentials: adbChecker,
});
