/**
 * `opennotice devices`: the surveyed devices as the inventory holds them — vendor, model,
 * firmware and the software components each runs — and, with history, every version of each.
 */
import type { SoftwareComponent } from '../core/records.ts';
import type { DeviceRow, DeviceVersionRow } from '../store/roles/inventory.ts';
import { printable, renderCsv, type Cell } from './cells.ts';

/** Longest components cell in the terminal table; CSV and JSON keep everything. */
const componentsWidth = 60;

/**
 * Components as one cell: "BusyBox 1.22.1; dropbear 2014.63" (a product without a version alone).
 * @example componentsText([{ product: 'dropbear', version: '2014.63', … }]) // 'dropbear 2014.63'
 */
export function componentsText(components: readonly SoftwareComponent[]): string {
  return components.map((component) => (component.version ? `${component.product} ${component.version}` : component.product)).join('; ');
}

const deviceHeader = ['ip', 'vendor', 'model', 'device_type', 'sector', 'firmware', 'hardware', 'components', 'version', 'first_seen', 'last_seen'];
const versionHeader = ['ip', 'version', 'vendor', 'model', 'device_type', 'sector', 'firmware', 'hardware', 'components', 'first_seen', 'last_seen'];

function deviceCells(row: DeviceRow): Cell[] {
  return [
    row.ip,
    row.vendor,
    row.model,
    row.deviceType,
    // Critical devices only (the sector of their handling path); empty for the rest.
    row.sector,
    row.firmwareVersion,
    row.hardwareVersion,
    componentsText(row.components),
    row.version,
    row.firstSeen,
    row.lastSeen,
  ];
}

function versionCells(row: DeviceVersionRow): Cell[] {
  return [
    row.ip,
    row.version,
    row.vendor,
    row.model,
    row.deviceType,
    row.sector,
    row.firmwareVersion,
    row.hardwareVersion,
    componentsText(row.components),
    row.firstSeen,
    row.lastSeen,
  ];
}

/** Aligned columns; device text made terminal-safe; the components cell cut to a readable width. */
function renderTable(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const componentsColumn = header.indexOf('components');
  const texts = rows.map((row) =>
    row.map((cell, index) => (index === componentsColumn ? printable(cell || undefined).slice(0, componentsWidth) : printable(cell))),
  );
  const titles = header.map((title) => title.toUpperCase());
  const widths = titles.map((title, index) => Math.max(title.length, ...texts.map((row) => row[index]!.length)));
  const layout = (row: readonly string[]) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  return `${[layout(titles), ...texts.map(layout)].join('\n')}\n`;
}

/**
 * The current version of each device, one row per address.
 * @example io.stdout.write(renderDevicesTable(await store.listDevices({ vendor: 'korvan' })))
 */
export function renderDevicesTable(rows: readonly DeviceRow[]): string {
  return renderTable(deviceHeader, rows.map(deviceCells));
}

/** @example writeFileSync('devices.csv', renderDevicesCsv(await store.listDevices())) */
export function renderDevicesCsv(rows: readonly DeviceRow[]): string {
  return renderCsv(deviceHeader, rows.map(deviceCells));
}

/**
 * Every version of the devices given, oldest first per address.
 * @example io.stdout.write(renderDeviceVersionsTable(await store.listDeviceVersions('192.0.2.7')))
 */
export function renderDeviceVersionsTable(rows: readonly DeviceVersionRow[]): string {
  return renderTable(versionHeader, rows.map(versionCells));
}

/** @example renderDeviceVersionsCsv(await store.listDeviceVersions('192.0.2.7')) */
export function renderDeviceVersionsCsv(rows: readonly DeviceVersionRow[]): string {
  return renderCsv(versionHeader, rows.map(versionCells));
}
