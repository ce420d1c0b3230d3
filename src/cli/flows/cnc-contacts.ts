/**
 * The C&C side of `flows collect` (docs/flows.md#what-the-cc-analysis-keeps): the known bots
 * are read from the store when collecting starts and every `refreshMinutes`, their contacts
 * and a sketch of everyone else's are recorded as flows come (src/cnc/contact-recorder.ts),
 * and stored at every flush of the aggregates, with the same retention.
 */
import { CncContactRecorder, type CncContactBatch } from '../../cnc/contact-recorder.ts';
import type { FlowRecord } from '../../flows/flow-record.ts';
import { retentionCutoffMs } from '../../flows/retention.ts';
import { openStore } from '../../store/open-store.ts';
import type { CommandIo } from '../command.ts';
import type { PersistRequest } from './persist.ts';

/** How far back a bot sighting makes a source watched: the same window `cnc detect` reads by default. */
export const watchedBotDays = 30;

export interface ContactRecording {
  add(flows: readonly FlowRecord[]): void;
  /** Stores what was recorded since the last flush (kept for the next one when the store fails). */
  flush(): Promise<void>;
  /** Stops the refresh and stores the rest. */
  close(): Promise<void>;
}

async function readWatchedBots(location: string): Promise<Set<string>> {
  const store = await openStore(location);
  try {
    const since = new Date(Date.now() - watchedBotDays * 86_400_000).toISOString();
    return new Set((await store.listKnownBotAddresses(since)).map((bot) => bot.ip));
  } finally {
    await store.close();
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

const countRows = (batches: readonly CncContactBatch[]) =>
  batches.reduce((sum, batch) => sum + batch.botContacts.length + batch.endpointOtherSources.length + batch.population.length, 0);

/**
 * Undefined with --no-store: without a store there are no known bots to watch.
 * @example const contacts = await startContactRecording(request.persist, io, 10)
 */
export async function startContactRecording(persist: PersistRequest, io: CommandIo, refreshMinutes = 10): Promise<ContactRecording | undefined> {
  const location = persist.location;
  if (location === undefined) return undefined;
  // A store that is away at start must not stop the collector (the aggregates wait for it too): watch none until the next refresh.
  const initial = await readWatchedBots(location).catch((error: unknown) => {
    io.stderr.write(`flows collect: reading the known bots failed, watching none until the next try: ${errorText(error)}\n`);
    return new Set<string>();
  });
  const recorder = new CncContactRecorder(initial);
  io.stderr.write(`watching ${recorder.watchedSources} known bots for the C&C analysis\n`);
  const refresh = setInterval(() => {
    readWatchedBots(location).then(
      (bots) => recorder.watch(bots),
      (error: unknown) => io.stderr.write(`flows collect: reading the known bots failed, still watching the old set: ${errorText(error)}\n`),
    );
  }, refreshMinutes * 60_000);
  // A collector that failed to start must not be kept alive by this timer.
  refresh.unref();
  const unstored: CncContactBatch[] = [];
  const flush = async () => {
    unstored.push(recorder.drain());
    const rows = countRows(unstored);
    const cutoff = retentionCutoffMs(Date.now(), persist.retentionDays);
    try {
      const store = await openStore(location);
      try {
        // One batch at a time, each dropped once stored, so a failure never stores one twice.
        while (unstored.length > 0) {
          const batch = unstored[0]!;
          await store.addCncContacts({
            botContacts: batch.botContacts.filter((row) => row.hourMs >= cutoff),
            endpointOtherSources: batch.endpointOtherSources.filter((row) => row.hourMs >= cutoff),
            population: batch.population.filter((row) => row.hourMs >= cutoff),
          });
          unstored.shift();
        }
        const pruned = await store.pruneCncContacts(cutoff);
        io.stderr.write(`${rows} C&C contact rows stored; ${pruned} past the retention pruned\n`);
      } finally {
        await store.close();
      }
    } catch (error) {
      // Each batch is rows of its own in the store, so one that failed can simply go again.
      io.stderr.write(`flows collect: storing C&C contacts failed, kept for the next try: ${errorText(error)}\n`);
    }
  };
  return {
    add: (flows) => recorder.add(flows),
    flush,
    async close() {
      clearInterval(refresh);
      await flush();
      if (recorder.flowsOverCap > 0) io.stderr.write(`${recorder.flowsOverCap} flows of bots past the per-bot endpoint cap were counted, not kept\n`);
    },
  };
}
