import { OpenNoticeError } from '../../core/errors.ts';
import { renderDeviceVersionsCsv, renderDeviceVersionsTable, renderDevicesCsv, renderDevicesTable } from '../../report/devices.ts';
import { canonicalAddress } from '../../scope/canonical-address.ts';
import { AddressSpace } from '../../scope/address-space.ts';
import { openStore } from '../../store/open-store.ts';
import type { DeviceFilter, DeviceRow, DeviceVersionRow } from '../../store/roles/inventory.ts';
import { defineCommand, integerOption } from '../command.ts';
import { storeOption } from '../store-option.ts';

/** What --address selects: one address (looked up by the store), or an IPv4 or IPv6 CIDR (checked here). */
type AddressSelection = { ip: string } | { range: AddressSpace } | undefined;

function addressSelection(raw: string | undefined): AddressSelection {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (!text.includes('/')) {
    const ip = canonicalAddress(text);
    if (ip === undefined)
      throw new OpenNoticeError('USAGE', `--address: "${raw}" is not an IP address or a CIDR (e.g. 192.0.2.7, 192.0.2.0/24 or 2001:db8::/48)`);
    return { ip };
  }
  try {
    return { range: AddressSpace.fromCidrs([text]) };
  } catch (error) {
    throw new OpenNoticeError('USAGE', `--address: ${(error as Error).message}`);
  }
}

export default defineCommand({
  name: 'devices',
  summary: 'List or search the surveyed devices — vendor, model, firmware and the software they run — and the history of each.',
  usage: '[--address IP|CIDR] [--vendor TEXT] [--model TEXT] [--product TEXT] [--history] [--json | --csv]',
  details: `Each device is shown as its current version. A device whose firmware or software
components changed keeps its earlier versions: --history lists them, oldest first, with when
each was first and last seen. --vendor, --model and --product keep devices whose field contains
the text, ignoring case; --product looks at the software components (e.g. dropbear, BusyBox,
lighttpd) by name and by CPE name. A device whose maker no rule named shows no vendor.
Examples:  opennotice devices --product dropbear
           opennotice devices --address 192.0.2.0/24 --vendor hikvision --csv > hikvision.csv
           opennotice devices --address 192.0.2.7 --history`,
  options: {
    address: { type: 'string', valueName: 'IP|CIDR', description: 'one address, or the devices inside an IPv4 or IPv6 CIDR' },
    vendor: { type: 'string', valueName: 'TEXT', description: 'vendor contains TEXT (ignoring case)' },
    model: { type: 'string', valueName: 'TEXT', description: 'model contains TEXT (ignoring case)' },
    product: { type: 'string', valueName: 'TEXT', description: 'a software component’s product or CPE name contains TEXT (ignoring case)' },
    history: { type: 'boolean', description: 'every version of each device, oldest first, instead of the current one' },
    limit: { type: 'string', valueName: 'N', description: 'devices to print (table only)', default: '50' },
    json: { type: 'boolean', description: 'JSON array' },
    csv: { type: 'boolean', description: 'CSV with a header row' },
    db: storeOption,
  },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new OpenNoticeError('USAGE', `unexpected argument "${positionals[0]}" (see: opennotice devices --help)`);
    if (values.json && values.csv) throw new OpenNoticeError('USAGE', 'choose one of --json and --csv');
    const limit = integerOption(values.limit, 'limit', { min: 1, max: 1_000_000 }) ?? 50;
    const selection = addressSelection(values.address);
    const filter: DeviceFilter = {};
    if (selection && 'ip' in selection) filter.ip = selection.ip;
    for (const key of ['vendor', 'model', 'product'] as const) {
      const text = values[key]?.trim();
      if (text) filter[key] = text;
    }
    const store = await openStore(String(values.db));
    try {
      let devices: DeviceRow[] = await store.listDevices(filter);
      if (selection && 'range' in selection) devices = devices.filter((device) => selection.range.has(device.ip));
      const shown = values.json || values.csv ? devices : devices.slice(0, limit);
      if (values.history) {
        const versions: DeviceVersionRow[] = [];
        for (const device of shown) versions.push(...(await store.listDeviceVersions(device.ip)));
        if (values.json) io.stdout.write(`${JSON.stringify(versions, null, 2)}\n`);
        else if (values.csv) io.stdout.write(renderDeviceVersionsCsv(versions));
        else io.stdout.write(versions.length === 0 ? 'no devices match\n' : renderDeviceVersionsTable(versions));
      } else if (values.json) io.stdout.write(`${JSON.stringify(devices, null, 2)}\n`);
      else if (values.csv) io.stdout.write(renderDevicesCsv(devices));
      else io.stdout.write(devices.length === 0 ? 'no devices match\n' : renderDevicesTable(shown));
      if (!values.json && !values.csv && devices.length > shown.length) {
        io.stdout.write(`… ${devices.length - shown.length} more devices (--limit, --csv or --json for all)\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});
