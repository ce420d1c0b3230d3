/**
 * Templates of NetFlow v9 and IPFIX, per exporter and observation domain (source id), with
 * bounds so a hostile or broken exporter cannot grow memory without limit: a count per
 * exporter, a total, and an expiry after which an unrefreshed template is forgotten (UDP
 * exporters resend templates periodically; RFC 7011 §8.4 leaves the timeout to the collector).
 */

/** One field of a template: its information element, length (65535 = variable, IPFIX only), enterprise. */
export interface TemplateField {
  id: number;
  length: number;
  /** Private enterprise number when the enterprise bit was set; such fields are skipped. */
  enterprise?: number;
}

export interface FlowTemplate {
  fields: readonly TemplateField[];
  /** Shortest data record the template can describe (variable fields count 1 byte): to stop at padding. */
  minRecordLength: number;
  /** Options templates describe the exporter, not flows: their data is skipped. */
  options: boolean;
  /** Where each value sits in every record (record-layout.ts); absent when a field has variable length. */
  layout?: Int32Array;
}

export interface TemplateCacheLimits {
  /** Templates kept per exporter (all its observation domains together). */
  maxPerExporter: number;
  /** Templates kept in total. */
  maxTotal: number;
  /** A template not refreshed within this long is forgotten. */
  expiryMs: number;
}

export const defaultTemplateCacheLimits: TemplateCacheLimits = { maxPerExporter: 512, maxTotal: 16384, expiryMs: 30 * 60_000 };

interface Entry {
  template: FlowTemplate;
  refreshedMs: number;
}

function sameTemplate(held: FlowTemplate, received: FlowTemplate): boolean {
  if (held.options !== received.options || held.fields.length !== received.fields.length) return false;
  for (let index = 0; index < held.fields.length; index++) {
    const a = held.fields[index]!;
    const b = received.fields[index]!;
    if (a.id !== b.id || a.length !== b.length || a.enterprise !== b.enterprise) return false;
  }
  return true;
}

/** A number per (domain, template id): no string is made per lookup (domains are 32-bit, ids 16-bit). */
function templateKey(domain: number, templateId: number): number {
  return domain * 65536 + templateId;
}

/** The template store one decoder owns, per exporter address, then per (observation domain, template id). */
export class TemplateCache {
  readonly #limits: TemplateCacheLimits;
  /** exporter → (templateKey → entry): the per-exporter bound is a size check. */
  readonly #byExporter = new Map<string, Map<number, Entry>>();
  #total = 0;

  constructor(limits: Partial<TemplateCacheLimits> = {}) {
    this.#limits = { ...defaultTemplateCacheLimits, ...limits };
  }

  get size(): number {
    return this.#total;
  }

  /** Adds or replaces a template; false when a bound refuses a new one. */
  set(exporter: string, domain: number, templateId: number, template: FlowTemplate, nowMs: number): boolean {
    let entries = this.#byExporter.get(exporter);
    const key = templateKey(domain, templateId);
    const existing = entries?.get(key);
    if (existing) {
      // Exporters resend the same template every few datagrams: keeping the object already held
      // lets the new copy die young instead of filling the old generation (major collections).
      if (!sameTemplate(existing.template, template)) existing.template = template;
      existing.refreshedMs = nowMs;
      return true;
    }
    if (entries && entries.size >= this.#limits.maxPerExporter) this.#expire(exporter, entries, nowMs);
    if (this.#total >= this.#limits.maxTotal) this.expireAll(nowMs);
    if ((entries?.size ?? 0) >= this.#limits.maxPerExporter || this.#total >= this.#limits.maxTotal) return false;
    if (!entries) {
      entries = new Map();
      this.#byExporter.set(exporter, entries);
    }
    entries.set(key, { template, refreshedMs: nowMs });
    this.#total++;
    return true;
  }

  /** The template, unless it is unknown or expired (an expired one is dropped on the way). */
  get(exporter: string, domain: number, templateId: number, nowMs: number): FlowTemplate | undefined {
    const entries = this.#byExporter.get(exporter);
    const key = templateKey(domain, templateId);
    const entry = entries?.get(key);
    if (!entries || !entry) return undefined;
    if (nowMs - entry.refreshedMs > this.#limits.expiryMs) {
      entries.delete(key);
      this.#total--;
      return undefined;
    }
    return entry.template;
  }

  /** IPFIX template withdrawal (RFC 7011 §8.1): one template, or all of a domain's. */
  withdraw(exporter: string, domain: number, templateId: number | 'all'): void {
    const entries = this.#byExporter.get(exporter);
    if (!entries) return;
    for (const key of [...entries.keys()]) {
      if (templateId === 'all' ? Math.floor(key / 65536) === domain : key === templateKey(domain, templateId)) {
        entries.delete(key);
        this.#total--;
      }
    }
  }

  /** Drops every expired template (called when a bound is reached, so no timer is needed). */
  expireAll(nowMs: number): void {
    for (const [exporter, entries] of this.#byExporter) this.#expire(exporter, entries, nowMs);
  }

  #expire(exporter: string, entries: Map<number, Entry>, nowMs: number): void {
    for (const [key, entry] of entries) {
      if (nowMs - entry.refreshedMs > this.#limits.expiryMs) {
        entries.delete(key);
        this.#total--;
      }
    }
    if (entries.size === 0) this.#byExporter.delete(exporter);
  }
}
