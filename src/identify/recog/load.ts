/**
 * Recog databases read at run time, beside our own rule files. Each XML file is converted
 * by the importer (./import.ts: device fingerprints only, each checked against Recog's own
 * examples as our grabbers record them) into the same in-memory shape a YAML rule file
 * parses to, so the rule loader validates it exactly as it validates ours; any error names
 * the XML file and the line of the fingerprint.
 */
import { readFileSync } from 'node:fs';
import { formatPath, type DataFile, type DataPath } from '../../core/data-file.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import type { FieldTable } from '../../protocols/protocol.ts';
import { fieldPathProblem } from '../result-fields.ts';
import { importRecogDatabase } from './import.ts';
import { parseXml, type XmlElement } from './xml.ts';

/** One Recog database, ready for the rule loader. */
export interface RecogRuleFile {
  dataFile: DataFile;
  /** Fingerprints turned into rules. */
  imported: number;
  /** Fingerprints left out: software only, no JavaScript form, a field no grabber of ours records … */
  leftOut: number;
}

/**
 * Read and convert one Recog XML database. Rules for a protocol or field the registry does
 * not have (yet) are left out, not refused: a Recog folder holds databases for every protocol.
 * @example const { dataFile } = readRecogRuleFile('/data/recog/xml/http_wwwauth.xml', shippedProtocols.fieldTables)
 */
export function readRecogRuleFile(file: string, fieldTables: ReadonlyMap<string, FieldTable>): RecogRuleFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OpenNoticeError('RULES_INVALID', `cannot read Recog database: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  let root: XmlElement;
  try {
    root = parseXml(text, file);
  } catch (error) {
    // A broken database stops the survey like a broken rule file does, with the same code.
    if (error instanceof OpenNoticeError) throw new OpenNoticeError('RULES_INVALID', error.message, error.context);
    throw error;
  }
  if (root.name !== 'fingerprints') {
    throw new OpenNoticeError('RULES_INVALID', `not a Recog fingerprint database: the root element is <${root.name}>, not <fingerprints>`, {
      file,
      line: root.line,
    });
  }
  const report = importRecogDatabase(root, file);
  const kept = report.rules.flatMap((rule, index) =>
    fieldPathProblem(fieldTables, rule.protocol, rule.field.split('.')) === undefined ? [{ rule, line: report.ruleLines[index] }] : [],
  );
  const lineOf = (path: DataPath): number => (path[0] === 'rules' && typeof path[1] === 'number' ? (kept[path[1]]?.line ?? root.line) : root.line);
  return {
    dataFile: {
      file,
      data: { rules: kept.map(({ rule }) => rule) },
      lineOf,
      errorAt: (code, path, message) => new OpenNoticeError(code, `${formatPath(path)}: ${message}`, { file, line: lineOf(path), path: formatPath(path) }),
    },
    imported: kept.length,
    leftOut: report.skipped.length + report.rules.length - kept.length,
  };
}
