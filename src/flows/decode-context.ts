/**
 * What a flow decoder keeps between datagrams: the templates, the counters, and the boot times
 * IPFIX exporters announce in options records (for uptime-relative flow times). One per
 * collector; tests make their own.
 */
import { createDecodeCounters, type DecodeCounters } from './decode-counters.ts';
import { TemplateCache, type TemplateCacheLimits } from './template-cache.ts';

/** Boot times remembered at most: one per exporter and domain, so bounded like the templates. */
const MAX_BOOT_TIMES = 16384;

export class DecodeContext {
  readonly templates: TemplateCache;
  readonly counters: DecodeCounters = createDecodeCounters();
  readonly #bootTimes = new Map<string, number>();
  /** The last exporter key made: datagrams come in runs from one exporter, so its text is made once per run. */
  #lastAddress = '';
  #lastDomain = -1;
  #lastExporter = '';

  constructor(limits: Partial<TemplateCacheLimits> = {}) {
    this.templates = new TemplateCache(limits);
  }

  /**
   * "address/domain", the exporter key of v9 and IPFIX flows and boot times.
   * @example context.exporterKey('192.0.2.1', 0) // '192.0.2.1/0'
   */
  exporterKey(address: string, domain: number): string {
    if (address !== this.#lastAddress || domain !== this.#lastDomain) {
      this.#lastAddress = address;
      this.#lastDomain = domain;
      this.#lastExporter = `${address}/${domain}`;
    }
    return this.#lastExporter;
  }

  bootTime(exporter: string): number | undefined {
    return this.#bootTimes.get(exporter);
  }

  setBootTime(exporter: string, bootMs: number): void {
    // Past the bound, forget them all rather than grow: exporters resend options periodically.
    if (!this.#bootTimes.has(exporter) && this.#bootTimes.size >= MAX_BOOT_TIMES) this.#bootTimes.clear();
    this.#bootTimes.set(exporter, bootMs);
  }
}
