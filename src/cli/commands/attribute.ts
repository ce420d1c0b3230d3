import { OpenNoticeError } from '../../core/errors.ts';
import {
  createAttributor,
  createIntegratorIndex,
  createIspRegistry,
  createRdapClient,
  ipLocationDbAsnFiles,
  loadPrefixTable,
  routingDataFormats,
  type RoutingDataFormat,
  type RoutingDataSource,
} from '../../attribution/index.ts';
import { attributeFindings } from '../../notify/attribute-findings.ts';
import { openStore } from '../../store/open-store.ts';
import { defineCommand, listOption, type OptionSpecs, type OptionValues } from '../command.ts';
import { storeOption } from '../store-option.ts';

const attributeOptions = {
  routing: { type: 'string', multiple: true, valueName: 'FORMAT:FILE', description: `routing data (${routingDataFormats.join(', ')})` },
  rdap: { type: 'string', valueName: 'URL', description: 'RDAP base URL for abuse contacts of unregistered networks' },
  refresh: { type: 'boolean', description: 'attribute every finding again (after the registry or routing data changed)' },
  db: storeOption,
} as const satisfies OptionSpecs;

type AttributeValues = OptionValues<typeof attributeOptions>;

function routingSources(values: AttributeValues): RoutingDataSource[] {
  const given = listOption(values.routing);
  if (given.length === 0) {
    const files = ipLocationDbAsnFiles();
    return [
      { file: files.ipv4, format: 'ip-location-db' },
      { file: files.ipv6, format: 'ip-location-db' },
    ];
  }
  return given.map((text) => {
    const separator = text.indexOf(':');
    const format = text.slice(0, separator) as RoutingDataFormat;
    if (separator < 1 || !routingDataFormats.includes(format))
      throw new OpenNoticeError('USAGE', `--routing must be FORMAT:FILE with FORMAT one of ${routingDataFormats.join(', ')}, got "${text}"`);
    return { format, file: text.slice(separator + 1) };
  });
}

export default defineCommand({
  name: 'attribute',
  summary: 'Attribute findings to their networks: prefix, ASN and ISP (or unattributed, with the reason).',
  usage: '[--routing FORMAT:FILE]... [--rdap URL] [--refresh]',
  details: `Looks every finding's address up in routing data (default: the installed @ip-location-db/asn
tables; or RouteViews pfx2as, iptoasn ip2asn, ip-location-db CSV files, gzip too) and in the ISP
registry in the store ('opennotice isps import FILE'): registry prefixes first, then the origin
AS. With --rdap, networks outside the registry get their abuse contact from RDAP (cached).
Only findings not attributed yet are looked up, unless --refresh.`,
  options: attributeOptions,
  async run(values, _positionals, io) {
    const sources = routingSources(values);
    io.stderr.write(`loading routing data: ${sources.map((source) => source.file).join(', ')} …\n`);
    const { table, reports } = await loadPrefixTable(sources);
    for (const notice of new Set(reports.map((report) => report.notice).filter(Boolean))) io.stdout.write(`${notice}\n`);
    const store = await openStore(String(values.db));
    try {
      const registry = createIspRegistry(await store.listIsps());
      const rdap = typeof values.rdap === 'string' ? createRdapClient({ baseUrl: values.rdap }) : undefined;
      const integrators = createIntegratorIndex(await store.listIntegrators());
      const attributor = createAttributor({ table, registry, integrators, ...(rdap ? { rdap } : {}) });
      const summary = await attributeFindings(store, (ip) => (rdap ? attributor.attribute(ip) : attributor.attributeSync(ip)), {
        refresh: Boolean(values.refresh),
      });
      io.stdout.write(`attributed ${summary.findings} findings (${summary.addresses} addresses)\n`);
      for (const [isp, count] of Object.entries(summary.byIsp).sort((a, b) => b[1] - a[1])) io.stdout.write(`  ${isp.padEnd(24)} ${count}\n`);
      for (const [reason, count] of Object.entries(summary.unattributed).sort((a, b) => b[1] - a[1])) io.stdout.write(`  unattributed: ${reason}: ${count}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
