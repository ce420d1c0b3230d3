/**
 * TLP 2.0 markings for the STIX bundles notify/render/stix.ts writes (it marks with TLP 1.0):
 * the marking-definition objects of the OASIS TLP 2.0 extension, with their published ids,
 * so platforms that know TLP 2.0 (OpenCTI, MISP) recognise them without a lookup.
 */
import type { StixBundle, StixObject } from '../notify/render/stix.ts';
import type { TlpLabel } from './tlp.ts';

const tlp2Ids: Record<TlpLabel, string> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
/** The extension definition of the TLP 2.0 marking (STIX 2.1 Interoperability, TLP 2.0). */
const tlp2Extension = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/**
 * The bundle with its TLP 1.0 marking swapped for the TLP 2.0 one, on every object.
 * @example withTlp2(renderStixBundle(report), 'AMBER+STRICT')
 */
export function withTlp2(bundle: StixBundle, label: TlpLabel): StixBundle {
  const marking: StixObject = {
    type: 'marking-definition',
    spec_version: '2.1',
    id: tlp2Ids[label],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${label}`,
    extensions: { [tlp2Extension]: { extension_type: 'property-extension', tlp_2_0: label.toLowerCase() } },
  };
  const oldMarkings = new Set(bundle.objects.filter((object) => object.type === 'marking-definition').map((object) => object.id));
  const objects = bundle.objects
    .filter((object) => !oldMarkings.has(object.id))
    .map((object) => (Array.isArray(object.object_marking_refs) ? { ...object, object_marking_refs: [marking.id] } : object));
  return { ...bundle, objects: [marking, ...objects] };
}
