import { openStore } from '../../store/open-store.ts';
import { defineCommand } from '../command.ts';
import { storeOption } from '../store-option.ts';

export default defineCommand({
  name: 'runs',
  summary: 'List survey runs: when, what scope, under which plan, and their totals.',
  usage: '[--json]',
  options: {
    json: { type: 'boolean', description: 'JSON array' },
    db: storeOption,
  },
  async run(values, _positionals, io) {
    const store = await openStore(String(values.db));
    try {
      const runs = await store.listRuns();
      if (values.json) {
        io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
        return 0;
      }
      if (runs.length === 0) io.stdout.write('no survey runs yet\n');
      for (const run of runs) {
        const counts = Object.entries(run.counts)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ');
        io.stdout.write(
          `#${run.id} ${run.status.padEnd(11)} ${run.startedAt}  scope ${run.scope.join(',')}  checks ${run.checks.join(',')}${run.plan ? `  plan ${run.plan.file} (${run.plan.sha256.slice(0, 12)})` : ''}\n     ${counts}\n`,
        );
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});
