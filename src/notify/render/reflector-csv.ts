/**
 * One CSV per Shadowserver report type for the reflector findings of a report ("scan_ssdp",
 * "scan_ntpmonitor" …): the combined CSV's columns, then the report type's own columns
 * filled from the protocol's facts. An ISP whose tooling splits Shadowserver's reports by
 * name (IntelMQ's Shadowserver parser does) can route each file like Shadowserver's own.
 */
import { renderCsv, type Cell } from '../../report/cells.ts';
import { sortFindings, viewOf } from './finding-view.ts';
import { reflectorReportType, reportTypeName, type ReflectorReportType } from './reflector-report-types.ts';
import { programOf, type NotificationReport } from './report.ts';
import { csvCellsOf, notificationCsvColumns } from './shadowserver-csv.ts';

export interface ReflectorCsv {
  /** Shadowserver's report name: "scan_ssdp", or "scan6_ssdp" for IPv6 addresses. */
  reportType: string;
  title: string;
  /** How many findings it holds. */
  findings: number;
  content: string;
}

/**
 * The columns of one report type's CSV.
 * @example reflectorCsvColumns(type).at(-1) // 'unique_service_name' for scan_ssdp
 */
export function reflectorCsvColumns(type: ReflectorReportType): string[] {
  return [...notificationCsvColumns, ...type.columns.map((column) => column.column)];
}

/**
 * A CSV per report type present in the report, in report-name order; none when the report
 * has no reflector finding. Same CSV rules as the combined file (RFC 4180, formula-safe).
 * @example for (const file of renderReflectorCsvs(report)) write(`${base}-${file.reportType}.csv`, file.content)
 */
export function renderReflectorCsvs(report: NotificationReport, options: { bom?: boolean } = {}): ReflectorCsv[] {
  const program = programOf(report);
  const groups = new Map<string, { type: ReflectorReportType; rows: Cell[][] }>();
  for (const finding of sortFindings(report.findings)) {
    if (finding.kind !== 'reflector') continue;
    const view = viewOf(finding, program);
    const type = view.reflection && reflectorReportType(finding, view.reflection);
    if (!type || !view.reflection) continue;
    const name = reportTypeName(type, finding.ip);
    const group = groups.get(name) ?? { type, rows: [] };
    const shared = csvCellsOf(view, report.isp.name);
    const facts = view.reflection.facts;
    group.rows.push([...notificationCsvColumns.map((column) => shared[column]), ...type.columns.map((column) => facts.get(column.fact))]);
    groups.set(name, group);
  }
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([reportType, { type, rows }]) => ({
      reportType,
      title: type.title,
      findings: rows.length,
      content: `${options.bom ? '\ufeff' : ''}${renderCsv(reflectorCsvColumns(type), rows)}`,
    }));
}
