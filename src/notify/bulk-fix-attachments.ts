/**
 * The bulk-fix list's two files for an ISP report (CSV and readable text), named like the
 * report's other attachments, for ISPs that manage their customers' devices.
 */
import type { NotifiableFinding } from '../core/records.ts';
import type { IspRecord } from '../store/roles/isp-attribution.ts';
import { buildBulkFixList } from './bulk-fix.ts';
import type { EmailAttachment } from './messages/email.ts';
import { renderBulkFixCsv, renderBulkFixText } from './render/bulk-fix-list.ts';
import { fileToken } from './render/text.ts';

export interface BulkFixPart {
  attachments: EmailAttachment[];
  /** A paragraph for the end of the cover text saying what the files are. */
  coverNote: string;
}

const coverNotes = {
  en: (models: number, devices: number) =>
    `You manage your customers' devices: the bulk-fix list attached groups the ${devices} devices with open findings into ${models} models and firmware versions, each with its addresses and its fix (CSV, and as text).`,
  ja: (models: number, devices: number) =>
    `貴社は利用者の機器を管理されているため、未対処の問題がある ${devices} 台を機種・ファームウェア別の ${models} グループにまとめた一括対処リスト（CSV とテキスト）を添付しました。各グループにアドレスと対処方法を記載しています。`,
};

/**
 * Undefined when no open finding is on an identified device (nothing to fix by model).
 * @example const part = bulkFixPart(isp, openFindings, now); if (part) email.attachments.push(...part.attachments)
 */
export function bulkFixPart(isp: Pick<IspRecord, 'id' | 'preferences'>, findings: readonly NotifiableFinding[], now: string): BulkFixPart | undefined {
  const list = buildBulkFixList({ ispId: isp.id, language: isp.preferences.language, generatedAt: now, findings });
  if (list.groups.length === 0) return undefined;
  const base = `${fileToken(isp.id)}-bulk-fix-${now.slice(0, 10).replaceAll('-', '')}`;
  const devices = list.groups.reduce((sum, group) => sum + group.devices, 0);
  return {
    attachments: [
      { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', content: renderBulkFixCsv(list) },
      { filename: `${base}-${list.language}.txt`, contentType: 'text/plain; charset=utf-8', content: renderBulkFixText(list) },
    ],
    coverNote: coverNotes[list.language](list.groups.length, devices),
  };
}
