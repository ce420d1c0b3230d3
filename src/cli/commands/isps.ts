import { OpenNoticeError } from '../../core/errors.ts';
import { readIntegrators, readIspRegistry } from '../../attribution/index.ts';
import { openStore } from '../../store/open-store.ts';
import { defineCommand } from '../command.ts';
import { storeOption } from '../store-option.ts';

export default defineCommand({
  name: 'isps',
  summary: 'The ISP registry: import a registry file into the store, or list the ISPs it holds.',
  usage: 'import FILE | list [--json]',
  details: `The registry names each ISP, its ASNs and extra prefixes, its contacts (abuse e-mail,
webhook URL, portal users), its report preferences (format, cadence, language) and whether it
manages its customers' devices; and the system integrators, with the ranges and customer ids
they manage and their contact. Format and an example: docs/attribution.md, examples/isps.yaml.
Importing again updates ISPs by id.`,
  options: {
    json: { type: 'boolean', description: 'list: JSON' },
    db: storeOption,
  },
  async run(values, positionals, io) {
    const [subcommand, file] = positionals;
    if (subcommand !== 'import' && subcommand !== 'list') throw new OpenNoticeError('USAGE', `unknown isps subcommand "${subcommand ?? ''}" (import or list)`);
    const store = await openStore(String(values.db));
    try {
      if (subcommand === 'import') {
        if (!file) throw new OpenNoticeError('USAGE', 'isps import needs a registry file (see examples/isps.yaml)');
        const isps = readIspRegistry(file).isps;
        const integrators = readIntegrators(file).integrators;
        await store.upsertIsps(isps);
        await store.upsertIntegrators(integrators);
        io.stdout.write(`imported ${isps.length} ISPs and ${integrators.length} system integrators from ${file}\n`);
        return 0;
      }
      const isps = await store.listIsps();
      if (values.json) io.stdout.write(`${JSON.stringify(isps, null, 2)}\n`);
      else if (isps.length === 0) io.stdout.write("no ISPs: import a registry with 'opennotice isps import FILE'\n");
      else
        for (const isp of isps)
          io.stdout.write(
            `${isp.id.padEnd(20)} ${isp.name.padEnd(28)} AS${isp.asns.join(',AS') || '-'}  ${isp.prefixes.join(',') || ''}  ${isp.contacts.abuseEmail ?? '-'}  ${isp.preferences.language}/${isp.preferences.format}/${isp.preferences.cadence}${isp.managesCustomerDevices ? '  manages devices' : ''}\n`,
          );
      // The JSON stays the list of ISPs that scripts already read.
      if (!values.json)
        for (const integrator of await store.listIntegrators())
          io.stdout.write(
            `integrator ${integrator.id.padEnd(20)} ${integrator.name.padEnd(28)} ${integrator.ranges.join(',') || '-'}  ${integrator.customerIds.length} customers  ${integrator.contacts.email}  ${integrator.contacts.language}\n`,
          );
      return 0;
    } finally {
      await store.close();
    }
  },
});
