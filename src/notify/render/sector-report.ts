/**
 * The report to a critical sector's contacts: every open finding on the sector's critical
 * devices, one CSV row each, with the ISP each address belongs to so the contact (an ISAC that
 * forwards to owners) can reach the owner through it. Device strings are cleaned as in every
 * report (finding-view.ts); the owner contact a device's page showed is never included — it is
 * the operator's alone.
 */
import type { CriticalSector, NotifiableFinding } from '../../core/records.ts';
import { renderCsv } from '../../report/cells.ts';
import type { ReportLanguage } from '../../attribution/isp-registry.ts';
import { findingKind } from '../../core/finding-kinds.ts';
import { isoTime, sortFindings, viewOf } from './finding-view.ts';
import { programOf, type ProgramInfo } from './report.ts';

export const sectorCsvColumns = [
  'ip',
  'port',
  'protocol',
  'kind',
  'severity',
  'vendor',
  'model',
  'firmware_version',
  'isp',
  'asn',
  'country',
  'first_seen',
  'last_seen',
] as const;

export interface SectorReport {
  reportId: string;
  sector: CriticalSector;
  generatedAt: string;
  findings: readonly NotifiableFinding[];
  program?: ProgramInfo;
}

/**
 * One row per finding (RFC 4180, formula-safe), in report order.
 * @example renderSectorReportCsv({ reportId, sector: 'solar', generatedAt, findings })
 */
export function renderSectorReportCsv(report: SectorReport): string {
  const program = programOf(report);
  return renderCsv(
    sectorCsvColumns,
    sortFindings(report.findings).map((finding) => {
      const view = viewOf(finding, program);
      return [
        finding.ip,
        finding.port,
        finding.protocol,
        finding.kind,
        view.severity,
        view.vendor,
        view.model,
        view.firmwareVersion,
        finding.attribution.ispName ?? finding.attribution.ispId,
        finding.attribution.asn,
        finding.attribution.country?.toUpperCase(),
        isoTime(finding.firstSeen),
        isoTime(finding.lastSeen),
      ];
    }),
  );
}

const sectorNames: Record<ReportLanguage, Record<CriticalSector, string>> = {
  en: { power: 'power', water: 'water', gas: 'gas', solar: 'solar power', building: 'building automation', other: 'other infrastructure' },
  ja: { power: '電力', water: '水道', gas: 'ガス', solar: '太陽光発電', building: 'ビル設備', other: 'その他の重要インフラ' },
};

/**
 * Subject and text of the e-mail in the contact's language.
 * @example renderSectorReportText(report, 'ja').subject
 */
export function renderSectorReportText(report: SectorReport, language: ReportLanguage): { subject: string; text: string } {
  const program = programOf(report);
  const addresses = new Set(report.findings.map((finding) => finding.ip)).size;
  const sector = sectorNames[language][report.sector];
  const kinds = [...new Set(report.findings.map((finding) => finding.kind))];
  const kindList = kinds
    .map((kind) => `- ${findingKind(kind)?.label[language] ?? kind}: ${report.findings.filter((finding) => finding.kind === kind).length}`)
    .join('\n');
  if (language === 'ja') {
    return {
      subject: `[${program.name}] 重要インフラ（${sector}）の機器 ${addresses} 台に未対処の問題`,
      text: `${program.name} の調査で、${sector}の監視・制御に使われる機器 ${addresses} 台に、乗っ取りにつながる問題が見つかりました。\n\n${kindList}\n\n添付の CSV に機器ごとの詳細と、その機器のアドレスを管理する ISP を記載しています。機器の所有者・管理者への連絡をお願いします。\n${program.contact ? `\n問い合わせ先: ${program.contact}\n` : ''}`,
    };
  }
  return {
    subject: `[${program.name}] ${addresses} ${sector} devices with open findings`,
    text: `The ${program.name} survey found ${addresses} devices that monitor or control ${sector} with weaknesses that let them be taken over.\n\n${kindList}\n\nThe attached CSV lists each device and the ISP its address belongs to. Please pass this on to the owners or operators of these devices.\n${program.contact ? `\nQuestions: ${program.contact}\n` : ''}`,
  };
}
