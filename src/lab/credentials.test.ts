import { test } from 'node:test';
import { shippedProtocols } from '../protocols/registry.ts';
import assert from 'node:assert/strict';
import { loadDictionary } from '../assess/credentials/dictionary.ts';
import { orderEntries } from '../assess/credentials/order.ts';
import { labAttemptsPerService, labDictionary, labDictionaryIds } from './credentials.ts';
import { labVendors } from './vendors/index.ts';

const dictionary = loadDictionary();

test("the lab's weak pairs are on-001 … on-030 of the shipped dictionary, and every vendor default is among them", () => {
  assert.deepEqual(
    labDictionary(dictionary).map((entry) => entry.id),
    labDictionaryIds(),
  );
  const ids = new Set(labDictionaryIds());
  for (const vendor of labVendors) assert.ok(ids.has(vendor.defaultCredentialId), `${vendor.vendor}: ${vendor.defaultCredentialId}`);
});

test('every weak pair of the lab is within the per-service cap the demo sets, for every lab vendor (or none) and protocol', () => {
  const vendors = [undefined, ...labVendors.map((profile) => profile.vendor)];
  for (const vendor of vendors) {
    // Every lab protocol with a login; a pair restricted to other protocols is never a lab device's on this one (reach.ts).
    for (const protocol of ['telnet', 'ssh', 'ftp', 'http', 'https', 'rtsp', 'mqtt', 'mqtts']) {
      const plainProtocol = shippedProtocols.ruleAliases.get(protocol);
      const tried = orderEntries(dictionary, { vendor, protocol, ...(plainProtocol ? { plainProtocol } : {}) })
        .slice(0, labAttemptsPerService)
        .map((entry) => entry.id);
      const usable = labDictionaryIds().filter((id) => {
        const entry = dictionary.find((candidate) => candidate.id === id);
        return (
          entry !== undefined && (entry.protocols.length === 0 || entry.protocols.includes(plainProtocol ?? protocol) || entry.protocols.includes(protocol))
        );
      });
      assert.ok(usable.length > 0);
      for (const id of usable) assert.ok(tried.includes(id), `${vendor ?? 'unidentified'} ${protocol}: ${id} is tried within ${labAttemptsPerService}`);
    }
  }
});
