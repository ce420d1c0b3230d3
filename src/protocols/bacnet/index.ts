/**
 * BACnet/IP (UDP 47808), the building-automation protocol of HVAC, lighting and access
 * controllers. The Device object's properties name vendor, model and firmware; a survey reads
 * them with confirmed ReadProperty requests to the wildcard device instance, one datagram each.
 */
import { randomInt } from 'node:crypto';
import { defineProtocol } from '../protocol.ts';
import { deviceProperties, encodeReadProperty, isReadPropertyAnswer } from './codec.ts';
import { type BacnetResult, grabBacnet } from './grabber.ts';

export default defineProtocol<BacnetResult>({
  name: 'bacnet',
  description: 'building-automation protocol of HVAC and access controllers; its Device object names the controller to anyone',
  transport: 'udp',
  defaultPorts: [47808],
  fields: {
    deviceInstance: 'number',
    vendorName: 'text',
    modelName: 'text',
    firmwareRevision: 'text',
    applicationSoftwareVersion: 'text',
    objectName: 'text',
    description: 'text',
    location: 'text',
    refusal: 'text',
  },
  fieldNotes: {
    deviceInstance: 'the Device object instance the device answered as',
    vendorName: 'Device vendor-name (property 121)',
    modelName: 'Device model-name (70)',
    firmwareRevision: 'Device firmware-revision (44)',
    applicationSoftwareVersion: 'Device application-software-version (12)',
    objectName: 'Device object-name (77): the name the integrator gave it',
    description: 'Device description (28)',
    location: 'Device location (58)',
    refusal: 'set when the first ReadProperty got an Error, Reject or Abort: `error class 1 code 31` …',
  },
  detect: {
    // The grab's first request (vendor-name of the wildcard device); any answer to a confirmed request is BACnet's.
    probe: { request: () => encodeReadProperty(randomInt(0, 0x100), deviceProperties.vendorName), matches: isReadPropertyAnswer },
  },
  grab: grabBacnet,
});
