/** `opennotice darknet infected`: which device models get infected (open infected findings × surveyed devices). */
import { renderInfectedModelsCsv, renderInfectedModelsTable, summarizeInfectedModels } from '../../report/infected.ts';
import { openStore } from '../../store/open-store.ts';
import type { CommandIo } from '../command.ts';
import type { DarknetCommandContext } from './context.ts';

export async function runInfected(context: DarknetCommandContext, io: CommandIo): Promise<number> {
  const store = await openStore(context.db);
  try {
    const findings = await store.listFindings({ kind: 'infected', status: 'open' });
    const rows = summarizeInfectedModels(findings, await store.listDevices());
    if (context.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else if (context.csv) io.stdout.write(renderInfectedModelsCsv(rows));
    else {
      const addresses = new Set(findings.map((finding) => finding.ip)).size;
      io.stdout.write(`${addresses} infected addresses with open findings (list them: opennotice findings --kind infected --db ${context.db})\n\n`);
      io.stdout.write(renderInfectedModelsTable(rows));
    }
    return 0;
  } finally {
    await store.close();
  }
}
