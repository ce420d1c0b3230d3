/**
 * From what identification read (vendor, model, firmware version, maybe a CPE) to the
 * candidate CPE names the matcher compares with feed criteria: a firmware name
 * `o:<vendor>:<model>_firmware:<version>` and a hardware name `o:<vendor>:<model>:<revision>`,
 * plus the variants the alias tables know (model exceptions, series prefixes); and the
 * software components the device runs, each under its own CPE name and version.
 */
import type { DeviceIdentity } from '../../core/records.ts';
import { formatCpe } from '../../identify/cpe.ts';
import { looseKey, type AliasTable } from './aliases.ts';
import type { DevicePlatform } from './types.ts';

/**
 * A trailing hardware revision written after a blank: "DIR-605L B2", "DIR-820L Rev. A1",
 * "TL-WR841N v9". A suffix after a hyphen ("P-660H-D1") is part of the model name.
 */
const revisionPattern = /^(.*\S)\s+(?:rev(?:ision)?\.?\s*|hw\s*)?([a-z]\d{1,2}|v\d{1,2}(?:\.\d)?)$/i;

/** Model names as CPE products: lower case, blanks as "_" (formatCpe escapes the rest). */
function productName(model: string): string {
  return model.trim().toLowerCase().replace(/\s+/g, '_');
}

/**
 * Candidate CPE names of a device. Without an alias table only the identity's own
 * spelling is used (the matcher still joins vendor spellings with its own table); pass
 * the matcher's table (`matcher.aliases`) for model exceptions and series prefixes.
 * @example platformOf({ vendor: 'D-Link', model: 'DIR-605L B2', firmwareVersion: '2.01MT', deviceType: 'router', confidence: 1, evidence: [] }).cpes
 * // ['cpe:2.3:o:d-link:dir-605l_b2_firmware:2.01mt:…', 'cpe:2.3:h:d-link:dir-605l_b2:*:…', 'cpe:2.3:o:d-link:dir-605l_firmware:2.01mt:…', 'cpe:2.3:h:d-link:dir-605l:b2:…']
 */
export function platformOf(identity: DeviceIdentity, aliases?: AliasTable): DevicePlatform {
  const cpes = new Set<string>();
  if (identity.cpe?.startsWith('cpe:2.3:')) cpes.add(identity.cpe);
  // A revision read separately ("Hardware Version : B1") is handled as if written after
  // the model name, so "DIR-605L" + "B1" gives the h:dlink:dir-605l:b1 NVD uses.
  const shownModel = identity.model?.trim();
  const revisionShown = identity.hardwareVersion?.trim();
  const model = shownModel && revisionShown && !revisionPattern.test(shownModel) ? `${shownModel} ${revisionShown}` : shownModel;
  const shownVendor = identity.vendor;
  if (model && shownVendor) {
    const vendor = aliases ? aliases.cpeVendor(shownVendor) : productName(shownVendor);
    const vendorKey = aliases?.vendorKey(shownVendor) ?? looseKey(shownVendor);
    const version = identity.firmwareVersion?.trim() || undefined;
    const firmware = (product: string) => cpes.add(formatCpe({ part: 'o', vendor, product, version }));
    const hardware = (product: string, revision?: string) => cpes.add(formatCpe({ part: 'h', vendor, product, version: revision }));

    const exceptions = aliases?.modelProducts(vendorKey, model);
    const revision = revisionPattern.exec(model);
    const baseModels = [model, ...(revision ? [revision[1]] : [])];
    if (exceptions) {
      exceptions.firmware.forEach(firmware);
      for (const product of exceptions.hardware) hardware(product);
    }
    const prefixes = aliases?.prefixes(vendorKey) ?? [];
    for (const base of baseModels) {
      const names = [productName(base)];
      for (const prefix of prefixes) {
        const key = looseKey(base);
        // "Aterm WG300HP" is filed both as aterm:wg300hp and nec:atermwg300hp.
        names.push(key.startsWith(prefix) ? productName(base).replace(new RegExp(`^${prefix}[\\s_-]*`), '') : `${prefix}${productName(base)}`);
      }
      const revisionOfBase = base === model ? undefined : revision?.[2].toLowerCase();
      for (const name of names) {
        if (exceptions && base === model) continue;
        firmware(`${name}_firmware`);
        hardware(name, revisionOfBase);
      }
    }
  }
  return {
    vendor: identity.vendor,
    model: identity.model,
    firmwareVersion: identity.firmwareVersion,
    hardwareVersion: identity.hardwareVersion,
    cpes: [...cpes],
    components: (identity.components ?? []).map((component) => ({
      product: component.product,
      ...(component.version === undefined ? {} : { version: component.version }),
      cpe: component.cpe,
    })),
  };
}
