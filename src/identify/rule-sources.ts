/**
 * Where a survey's fingerprint rules come from: our YAML rule files (the shipped ones, the
 * lab's for loopback surveys, an operator's) and Recog XML databases, read at run time and
 * converted on load. Both kinds are validated by the same loader, as one set (rule ids and
 * products unique across all). Which wins when they disagree is precedence.ts's business.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { readDataFile, type DataFile } from '../core/data-file.ts';
import { OpenNoticeError } from '../core/errors.ts';
import type { FieldTable } from '../protocols/protocol.ts';
import { shippedProtocols } from '../protocols/registry.ts';
import { readRecogRuleFile } from './recog/load.ts';
import { ruleFilesIn, ruleSetFromDataFiles } from './rule-loader.ts';
import type { RuleSet } from './rule-types.ts';

/** The files of a rule set, by kind, each list in load order. */
export interface RuleSources {
  /** Our YAML (or JSON) rule files. */
  ruleFiles: readonly string[];
  /** Recog XML databases. */
  recogFiles: readonly string[];
}

/** A loaded rule set and which of its rules came from Recog. */
export interface LoadedRules {
  ruleSet: RuleSet;
  /** Ids of the rules converted from Recog databases (the lower tier of docs/fingerprints.md "Precedence"). */
  recogRuleIds: ReadonlySet<string>;
  /** Recog fingerprints converted and left out, over all databases. */
  recog: { databases: number; imported: number; leftOut: number };
}

const ruleFileExtensions = ['.yaml', '.yml', '.json'];

/**
 * Sort paths an operator gave into rule files and Recog databases. A folder contributes its
 * *.yaml / *.yml files and its *.xml files, each sorted by name; a file is taken by its
 * extension. A path that does not exist, or a folder with neither, is a RULES_INVALID error.
 * @example rulePathSources(['/etc/opennotice/rules', '/data/recog/xml']) // { ruleFiles: ['/etc/…/local.yaml'], recogFiles: ['/data/…/ftp_banners.xml', …] }
 */
export function rulePathSources(paths: readonly string[]): RuleSources {
  const ruleFiles: string[] = [];
  const recogFiles: string[] = [];
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch (error) {
      throw new OpenNoticeError('RULES_INVALID', `cannot read rule path: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file: path });
    }
    if (isFolder) {
      const yaml = ruleFilesIn(path);
      const xml = readdirSync(path)
        .filter((name) => name.endsWith('.xml'))
        .sort()
        .map((name) => join(path, name));
      if (yaml.length + xml.length === 0) {
        throw new OpenNoticeError('RULES_INVALID', 'rule folder holds no rule files (*.yaml, *.yml) and no Recog databases (*.xml)', { file: path });
      }
      ruleFiles.push(...yaml);
      recogFiles.push(...xml);
    } else if (extname(path) === '.xml') recogFiles.push(path);
    else if (ruleFileExtensions.includes(extname(path))) ruleFiles.push(path);
    else throw new OpenNoticeError('RULES_INVALID', 'not a rule file: expected .yaml, .yml, .json, a Recog .xml database or a folder', { file: path });
  }
  return { ruleFiles, recogFiles };
}

/**
 * Load and validate our rule files, then the Recog databases, as one rule set. Our files come
 * first, so on equal footing (same confidence) a rule of ours is listed, and wins, first.
 * @example const loaded = loadRuleSources({ ruleFiles: surveyRuleFiles({ labRules: false }), recogFiles: ['/data/recog/xml/html_title.xml'] })
 */
export function loadRuleSources(sources: RuleSources, fieldTables: ReadonlyMap<string, FieldTable> = shippedProtocols.fieldTables): LoadedRules {
  const dataFiles: DataFile[] = sources.ruleFiles.map((file) => readDataFile(file, 'RULES_INVALID'));
  const recog = { databases: 0, imported: 0, leftOut: 0 };
  const recogDataFiles = sources.recogFiles.map((file) => {
    const database = readRecogRuleFile(file, fieldTables);
    recog.databases++;
    recog.imported += database.imported;
    recog.leftOut += database.leftOut;
    return database.dataFile;
  });
  const ruleSet = ruleSetFromDataFiles([...dataFiles, ...recogDataFiles], fieldTables);
  const recogFiles = new Set(sources.recogFiles);
  return {
    ruleSet,
    recogRuleIds: new Set(ruleSet.rules.filter((rule) => recogFiles.has(rule.source.file)).map((rule) => rule.id)),
    recog,
  };
}
