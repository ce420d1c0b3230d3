/**
 * Numbered blocklist versions in a directory of their own (no store needed: resolvers and
 * routers fetch files). Each export whose indicators differ from the latest version's becomes
 * version N+1 in DIR/vNNNNNN/, with the canonical indicators (the input of the next update),
 * every requested format, the RPZ update from the previous version, and a signature per file
 * when a key is given. DIR/versions.json lists every version with the SHA-256 of each file; it
 * is written last (by rename), so a crashed export leaves no version behind that it names.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenNoticeError } from '../core/errors.ts';
import { writeBlocklistCsv } from './csv.ts';
import type { BlockIndicator } from './indicator.ts';
import { readIndicatorFile } from './indicator-list.ts';
import { writeIpsetRestore } from './ipset.ts';
import { writeNftablesScript } from './nftables.ts';
import { writeCiscoAcl, writePlainAddressList } from './router-acl.ts';
import { type RpzPolicy, writeRpzZone } from './rpz-zone.ts';
import { writeRpzUpdate } from './rpz-update.ts';
import { type BlocklistSigner, signaturePath } from './signing.ts';

export const blocklistFormats = ['rpz', 'nft', 'ipset', 'acl', 'csv'] as const;
export type BlocklistFormat = (typeof blocklistFormats)[number];

export interface BlocklistVersionEntry {
  version: number;
  createdAt: string;
  /** SHA-256 of the canonical indicators.json: equal hashes, equal blocklists. */
  indicatorsSha256: string;
  indicatorCount: number;
  /** File name (inside the version's directory) → SHA-256 of its bytes. */
  files: Record<string, string>;
}

export interface BlocklistManifest {
  versions: BlocklistVersionEntry[];
}

export interface ExportRequest {
  /** Canonical indicators (indicator-list.ts). */
  indicators: readonly BlockIndicator[];
  outDirectory: string;
  formats: readonly BlocklistFormat[];
  rpz: { origin: string; policy: RpzPolicy };
  signer?: BlocklistSigner;
  now: Date;
}

export interface ExportResult {
  /** False when the indicators equal the latest version's: nothing was written. */
  created: boolean;
  version: number;
  directory: string;
  /** Paths of the files written (signatures aside). */
  files: string[];
}

const manifestName = 'versions.json';
const indicatorsName = 'indicators.json';

export const versionDirectoryName = (version: number) => `v${String(version).padStart(6, '0')}`;
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The manifest of an output directory (empty when there is none yet). */
export function readManifest(outDirectory: string): BlocklistManifest {
  const file = join(outDirectory, manifestName);
  if (!existsSync(file)) return { versions: [] };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as BlocklistManifest;
    if (!Array.isArray(parsed.versions)) throw new Error('no "versions" array');
    return parsed;
  } catch (error) {
    throw new OpenNoticeError('CONFIG_INVALID', `${file} is not a blocklist manifest: ${(error as Error).message}`, { file }, { cause: error });
  }
}

/** The file bodies of one version, by file name. */
function renderFiles(request: ExportRequest, version: number, previous: readonly BlockIndicator[] | undefined): Map<string, string> {
  const { indicators } = request;
  const files = new Map<string, string>();
  for (const format of request.formats) {
    if (format === 'rpz') {
      files.set('blocklist.rpz', writeRpzZone(indicators, { origin: request.rpz.origin, serial: version, policy: request.rpz.policy }));
      if (previous)
        files.set(
          `blocklist.rpz.update-from-${version - 1}.nsupdate`,
          writeRpzUpdate(previous, indicators, { ...request.rpz, fromSerial: version - 1, toSerial: version }),
        );
    } else if (format === 'nft') files.set('blocklist.nft', writeNftablesScript(indicators, { version }));
    else if (format === 'ipset') files.set('blocklist.ipset', writeIpsetRestore(indicators, { version }));
    else if (format === 'acl') {
      files.set('blocklist.acl', writeCiscoAcl(indicators, { version }));
      files.set('blocklist.txt', writePlainAddressList(indicators, { version }));
    } else files.set('blocklist.csv', writeBlocklistCsv(indicators));
  }
  return files;
}

/**
 * Write the next version if the indicators changed.
 * @example exportBlocklistVersion({ indicators, outDirectory: 'blocklists', formats: ['rpz', 'nft'], rpz: { origin: 'rpz.opennotice', policy: { action: 'nxdomain' } }, now: new Date() })
 */
export function exportBlocklistVersion(request: ExportRequest): ExportResult {
  mkdirSync(request.outDirectory, { recursive: true });
  const manifest = readManifest(request.outDirectory);
  const latest = manifest.versions.at(-1);
  const indicatorsText = `${JSON.stringify(request.indicators, null, 1)}\n`;
  const indicatorsSha256 = sha256(indicatorsText);
  if (latest && latest.indicatorsSha256 === indicatorsSha256)
    return { created: false, version: latest.version, directory: join(request.outDirectory, versionDirectoryName(latest.version)), files: [] };

  const version = (latest?.version ?? 0) + 1;
  const directory = join(request.outDirectory, versionDirectoryName(version));
  // A directory without a manifest entry is what an interrupted export left: start it again.
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory);
  const previous = latest ? readIndicatorFile(join(request.outDirectory, versionDirectoryName(latest.version), indicatorsName)) : undefined;
  const files = new Map([[indicatorsName, indicatorsText], ...renderFiles(request, version, previous)]);
  const hashes: Record<string, string> = {};
  for (const [name, text] of files) {
    const path = join(directory, name);
    writeFileSync(path, text);
    hashes[name] = sha256(text);
    if (request.signer) writeFileSync(signaturePath(path), request.signer.sign(Buffer.from(text)));
  }
  manifest.versions.push({ version, createdAt: request.now.toISOString(), indicatorsSha256, indicatorCount: request.indicators.length, files: hashes });
  const manifestFile = join(request.outDirectory, manifestName);
  writeFileSync(`${manifestFile}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${manifestFile}.tmp`, manifestFile);
  return { created: true, version, directory, files: [...files.keys()].map((name) => join(directory, name)) };
}
