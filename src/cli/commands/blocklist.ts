import { canonicalIndicators, isDomainName, readIndicatorFile } from '../../blocklist/indicator-list.ts';
import type { RpzPolicy } from '../../blocklist/rpz-zone.ts';
import { generateSigningKey, loadSigner, verifyFileSignature } from '../../blocklist/signing.ts';
import { type BlocklistFormat, blocklistFormats, exportBlocklistVersion, readManifest } from '../../blocklist/versions.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { keyFingerprint, readSigningKey } from '../../core/signing-keys.ts';
import { addressFamily } from '../../scope/target-address.ts';
import { recordAuditEvents } from '../audited-store.ts';
import { userInfo } from 'node:os';
import { defineCommand } from '../command.ts';
import { storeOption } from '../store-option.ts';
import { openStore } from '../../store/open-store.ts';

/** "rpz,nft" or "all" as a list of formats; anything else is a usage error naming the choices. */
function parseFormats(text: string): BlocklistFormat[] {
  if (text === 'all') return [...blocklistFormats];
  const names = text.split(',').map((name) => name.trim());
  for (const name of names)
    if (!(blocklistFormats as readonly string[]).includes(name))
      throw new OpenNoticeError('USAGE', `--format: "${name}" is not one of ${blocklistFormats.join(', ')} or all`);
  return names as BlocklistFormat[];
}

/** --rpz-answer: nxdomain, nodata, or the walled garden's address(es), "192.0.2.80" or "192.0.2.80,2001:db8::80". */
function parsePolicy(text: string): RpzPolicy {
  if (text === 'nxdomain' || text === 'nodata') return { action: text };
  const policy: { action: 'local'; a?: string; aaaa?: string } = { action: 'local' };
  for (const address of text.split(',')) {
    const family = addressFamily(address);
    if (family === 4) policy.a = address;
    else if (family === 6) policy.aaaa = address;
    else throw new OpenNoticeError('USAGE', `--rpz-answer: "${address}" is not nxdomain, nodata or an address`);
  }
  return policy;
}

export default defineCommand({
  name: 'blocklist',
  summary: 'Export approved C&C indicators as versioned, signed blocklists (RPZ, nftables, ipset, router ACL, CSV); verify a signature.',
  usage: 'export (--from FILE | --from-store [--db FILE|URL]) --out DIR [--format F] [--sign-key KEY] | verify FILE --public-key KEY | keygen KEY',
  details: `export reads a JSON array of indicators ({kind: ip|cidr|domain, value, port?, protocol?
(tcp|udp, with a port), reason, approvedAt}; what 'opennotice cnc indicators --json' prints), or with --from-store the C&C
endpoints the operator approved in the store ('opennotice cnc approve ID'), and, when they differ from the latest version in DIR, writes version N+1 to
DIR/vNNNNNN/ (blocklist.rpz and the nsupdate script from the previous version, blocklist.nft,
blocklist.ipset, blocklist.acl and blocklist.txt, blocklist.csv) and records it in DIR/versions.json.
With --sign-key every file gets a detached Ed25519 signature FILE.sig. verify checks one; it
exits 0 when the signature is valid and 1 when not. keygen writes KEY and KEY.pub.
  opennotice blocklist keygen signing.key
  opennotice blocklist export --from approved.json --format all --out blocklists --sign-key signing.key
  opennotice blocklist export --from-store --db opennotice.sqlite --out blocklists --sign-key signing.key
  opennotice blocklist verify blocklists/v000001/blocklist.rpz --public-key signing.key.pub
See docs/blocklists.md.`,
  options: {
    from: { type: 'string', valueName: 'FILE', description: 'export: the approved indicators (JSON array)' },
    'from-store': { type: 'boolean', description: "export: the store's approved C&C endpoints instead of a file" },
    db: storeOption,
    out: { type: 'string', valueName: 'DIR', description: 'export: the versions directory' },
    format: { type: 'string', valueName: 'F', description: 'export: rpz, nft, ipset, acl, csv, a comma list, or all (default all)' },
    'sign-key': { type: 'string', valueName: 'KEY', description: 'export: Ed25519 private key (PEM) to sign every file with' },
    'rpz-origin': { type: 'string', valueName: 'NAME', description: 'export: the RPZ zone name (default rpz.opennotice)' },
    'rpz-answer': { type: 'string', valueName: 'ANSWER', description: 'export: nxdomain (default), nodata, or walled-garden address(es) A[,AAAA]' },
    'public-key': { type: 'string', valueName: 'KEY', description: 'verify: the Ed25519 public key (PEM)' },
  },
  async run(values, positionals, io) {
    const [subcommand, file] = positionals;
    if (subcommand === 'keygen') {
      if (!file) throw new OpenNoticeError('USAGE', 'blocklist keygen needs the private key file to write');
      const written = generateSigningKey(file);
      io.stdout.write(`wrote ${written.privateKeyFile} (private, keep it) and ${written.publicKeyFile} (give it to who loads the lists)\n`);
      return 0;
    }
    if (subcommand === 'verify') {
      if (!file || !values['public-key']) throw new OpenNoticeError('USAGE', 'blocklist verify needs FILE and --public-key KEY');
      const valid = verifyFileSignature(file, values['public-key']);
      io.stdout.write(valid ? `${file}: signature valid\n` : `${file}: signature INVALID\n`);
      return valid ? 0 : 1;
    }
    if (subcommand !== 'export') throw new OpenNoticeError('USAGE', `unknown blocklist subcommand "${subcommand ?? ''}" (export, verify or keygen)`);
    if ((!values.from && !values['from-store']) || !values.out)
      throw new OpenNoticeError('USAGE', 'blocklist export needs --from FILE (or --from-store) and --out DIR');
    if (values.from && values['from-store']) throw new OpenNoticeError('USAGE', 'blocklist export takes --from FILE or --from-store, not both');
    const origin = values['rpz-origin'] ?? 'rpz.opennotice';
    if (!isDomainName(origin)) throw new OpenNoticeError('USAGE', `--rpz-origin: "${origin}" is not a lower-case domain name without the trailing dot`);
    const result = exportBlocklistVersion({
      indicators: values.from ? readIndicatorFile(values.from) : await approvedInStore(String(values.db)),
      outDirectory: values.out,
      formats: parseFormats(values.format ?? 'all'),
      rpz: { origin, policy: parsePolicy(values['rpz-answer'] ?? 'nxdomain') },
      signer: values['sign-key'] ? loadSigner(values['sign-key']) : undefined,
      now: new Date(),
    });
    if (values['from-store'] && result.created) {
      // Published from the store's approvals: the audit trail says what went out, signed by which key.
      const entry = readManifest(values.out).versions.find((version) => version.version === result.version)!;
      await recordAuditEvents(String(values.db), [
        {
          kind: 'blocklist-published',
          version: result.version,
          directory: result.directory,
          publishedAt: entry.createdAt,
          indicatorCount: entry.indicatorCount,
          indicatorsSha256: entry.indicatorsSha256,
          files: entry.files,
          signingKeyId: values['sign-key'] ? keyFingerprint(readSigningKey(values['sign-key'], 'private')) : undefined,
          by: userInfo().username,
        },
      ]);
    }
    io.stdout.write(
      result.created
        ? `version ${result.version} written to ${result.directory}: ${result.files.length} files${values['sign-key'] ? ', each signed' : ''}\n`
        : `unchanged: the indicators equal version ${result.version} (${result.directory}); nothing written\n`,
    );
    return 0;
  },
});

/**
 * The C&C endpoints the operator approved (`cnc approve`), read once; the store is closed again.
 * Checked and put in the canonical order like a file's, so the same approved set always gives
 * the same bytes (and an "unchanged" export), whatever order the approvals came in.
 */
async function approvedInStore(location: string) {
  const store = await openStore(location);
  try {
    return canonicalIndicators(await store.listApprovedIndicators(), `${store.location} (approved C&C candidates)`);
  } finally {
    await store.close();
  }
}
