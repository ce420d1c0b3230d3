/**
 * Bulk-fix progress for ISPs that manage their customers' devices: per vendor and model, the
 * devices notified (from the first report that carried one of their findings), how many are
 * fixed since (every notified finding of the device closed by a re-survey), how many still
 * open, the share fixed, and how that share grew (a point per interval since the first
 * notice). It answers "did the firmware push for model X work?", which per-finding rates
 * cannot: one device has several findings, and the ISP fixes models, not findings.
 */
import type { NotifiableFinding } from '../core/records.ts';
import { deviceText } from '../notify/render/text.ts';
import type { IspAttributionStore } from '../store/roles/isp-attribution.ts';
import type { NotificationTimes, ReportStore } from '../store/roles/reports.ts';

export interface ProgressPoint {
  at: string;
  /** Devices notified by then. */
  notified: number;
  /** Of those, fixed by then. */
  fixed: number;
}

export interface ModelProgress {
  ispId: string;
  vendor: string;
  model?: string;
  /** When the first device of the model was notified. */
  firstNotice: string;
  /** Devices notified up to `asOf`. */
  devices: number;
  fixed: number;
  open: number;
  /** fixed / devices × 100, one decimal. */
  percentFixed: number;
  /** From the first notice to `asOf`, one point per interval, the last at `asOf`. */
  timeline: ProgressPoint[];
}

export interface ProgressInput {
  ispId: string;
  /** The ISP's findings of every status, with device identity. */
  findings: readonly NotifiableFinding[];
  /** When each finding was reported to the ISP. */
  notified: ReadonlyMap<number, NotificationTimes>;
  asOf: string;
  /** Days between timeline points; default 7. */
  intervalDays?: number;
}

/** At most this many points per model: a long programme shows its recent course. */
const maxPoints = 53;

interface DeviceState {
  vendor: string;
  model?: string;
  firstNotice: string;
  /** When its last notified finding closed; undefined while one is open. */
  fixedAt?: string;
  open: boolean;
}

/**
 * @example bulkFixProgressOf({ ispId: 'sakura-net', findings, notified, asOf: new Date().toISOString() })[0] // { vendor: 'Korvan', model: 'RT-300', devices: 40, fixed: 31, … }
 */
export function bulkFixProgressOf(input: ProgressInput): ModelProgress[] {
  const asOf = input.asOf;
  const devices = new Map<string, DeviceState>();
  for (const finding of input.findings) {
    const vendor = deviceText(finding.vendor);
    const notice = input.notified.get(finding.id)?.first;
    if (vendor === undefined || notice === undefined || notice > asOf) continue;
    const closedAt = finding.status === 'closed' && finding.closedAt !== undefined && finding.closedAt <= asOf ? finding.closedAt : undefined;
    const device = devices.get(finding.ip) ?? { vendor, ...(finding.model ? { model: deviceText(finding.model) } : {}), firstNotice: notice, open: false };
    if (notice < device.firstNotice) device.firstNotice = notice;
    if (closedAt === undefined) device.open = true;
    else if (device.fixedAt === undefined || closedAt > device.fixedAt) device.fixedAt = closedAt;
    devices.set(finding.ip, device);
  }
  const byModel = Map.groupBy(devices.values(), (device) => `${device.vendor.toLowerCase()}\u0000${(device.model ?? '').toLowerCase()}`);
  const intervalMs = (input.intervalDays ?? 7) * 86_400_000;
  const result: ModelProgress[] = [];
  for (const members of byModel.values()) {
    const fixedAt = (device: DeviceState) => (device.open ? undefined : device.fixedAt);
    const fixed = members.filter((device) => fixedAt(device) !== undefined).length;
    const firstNotice = members.map((device) => device.firstNotice).reduce((a, b) => (b < a ? b : a));
    const times: string[] = [];
    for (let at = Date.parse(firstNotice); at < Date.parse(asOf); at += intervalMs) times.push(new Date(at).toISOString());
    times.push(asOf);
    const timeline = times.slice(-maxPoints).map((at) => ({
      at,
      notified: members.filter((device) => device.firstNotice <= at).length,
      fixed: members.filter((device) => (fixedAt(device) ?? '\uffff') <= at).length,
    }));
    const { vendor, model } = members[0]!;
    result.push({
      ispId: input.ispId,
      vendor,
      ...(model !== undefined ? { model } : {}),
      firstNotice,
      devices: members.length,
      fixed,
      open: members.length - fixed,
      percentFixed: Math.round((fixed / members.length) * 1000) / 10,
      timeline,
    });
  }
  return result.sort((a, b) => b.devices - a.devices || a.vendor.localeCompare(b.vendor) || (a.model ?? '').localeCompare(b.model ?? ''));
}

/**
 * Progress of every ISP that manages its customers' devices (or of one), read from the store.
 * @example await bulkFixProgress(store, { asOf: new Date().toISOString(), ispId: 'sakura-net' })
 */
export async function bulkFixProgress(
  store: IspAttributionStore & ReportStore,
  options: { asOf: string; ispId?: string; intervalDays?: number },
): Promise<ModelProgress[]> {
  const managing = (await store.listIsps()).filter((isp) => isp.managesCustomerDevices && (options.ispId === undefined || isp.id === options.ispId));
  const result: ModelProgress[] = [];
  for (const isp of managing) {
    result.push(
      ...bulkFixProgressOf({
        ispId: isp.id,
        findings: await store.listNotifiableFindings({ ispId: isp.id }),
        notified: await store.notificationTimes({ ispId: isp.id }),
        asOf: options.asOf,
        ...(options.intervalDays !== undefined ? { intervalDays: options.intervalDays } : {}),
      }),
    );
  }
  return result;
}
