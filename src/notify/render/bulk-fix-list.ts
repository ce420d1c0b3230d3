/**
 * The bulk-fix list as files: a CSV (one row per vendor/model/firmware, for the ISP's device
 * management tooling) and a readable text in the ISP's language (for the people who plan the
 * firmware push). Pure functions of the list, so the same list renders byte-identically.
 */
import { findingKind } from '../../core/finding-kinds.ts';
import { renderCsv } from '../../report/cells.ts';
import type { BulkFixList } from '../bulk-fix.ts';

export const bulkFixColumns = ['vendor', 'model', 'firmware_version', 'devices', 'finding_kinds', 'cves', 'addresses', 'fix'] as const;

/**
 * Addresses and kinds are space-separated inside their cell, so a spreadsheet keeps one row per model.
 * @example renderBulkFixCsv(list) // "vendor,model,firmware_version,devices,…\r\nKorvan,RT-300,1.0.2,12,weak-credential,,192.0.2.1 …"
 */
export function renderBulkFixCsv(list: BulkFixList): string {
  return renderCsv(
    bulkFixColumns,
    list.groups.map((group) => [
      group.vendor,
      group.model,
      group.firmwareVersion,
      group.devices,
      group.kinds.map((entry) => entry.kind).join(' '),
      group.cves.join(' '),
      group.addresses.join(' '),
      group.fix.join(' '),
    ]),
  );
}

const words = {
  en: {
    title: (count: number) => `Bulk-fix list: ${count} device models with open findings on devices you manage`,
    model: 'Model',
    devices: 'devices',
    firmware: 'firmware',
    unknownModel: '(model unknown)',
    unknownFirmware: 'unknown',
    kinds: 'Findings',
    fix: 'Fix',
    addresses: 'Addresses',
    unidentified: (count: number) => `${count} more devices could not be identified; they are in the report's CSV by address.`,
  },
  ja: {
    title: (count: number) => `一括対処リスト：貴社が管理する機器のうち、未対処の問題がある ${count} 機種`,
    model: '機種',
    devices: '台',
    firmware: 'ファームウェア',
    unknownModel: '（機種不明）',
    unknownFirmware: '不明',
    kinds: '問題',
    fix: '対処',
    addresses: 'アドレス',
    unidentified: (count: number) => `ほかに機種を特定できなかった機器が ${count} 台あります（報告の CSV にアドレス別に記載）。`,
  },
} as const;

/**
 * @example renderBulkFixText(list) // "Bulk-fix list: 2 device models …\n\n1. Korvan RT-300, firmware 1.0.2: 12 devices\n …"
 */
export function renderBulkFixText(list: BulkFixList): string {
  const say = words[list.language];
  const lines: string[] = [say.title(list.groups.length), ''];
  list.groups.forEach((group, index) => {
    const count = list.language === 'ja' ? `${group.devices}${say.devices}` : `${group.devices} ${say.devices}`;
    lines.push(
      `${index + 1}. ${group.vendor} ${group.model ?? say.unknownModel}, ${say.firmware} ${group.firmwareVersion ?? say.unknownFirmware}: ${count}`,
      `   ${say.kinds}: ${group.kinds.map((entry) => `${findingKind(entry.kind)?.shortLabel[list.language] ?? entry.kind} (${entry.devices})`).join(', ')}`,
      ...group.fix.map((step) => `   ${say.fix}: ${step}`),
      `   ${say.addresses}: ${group.addresses.join(' ')}`,
      '',
    );
  });
  if (list.unidentifiedDevices > 0) lines.push(say.unidentified(list.unidentifiedDevices), '');
  return lines.join('\n');
}
