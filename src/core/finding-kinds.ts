/**
 * Every kind of finding opennotice reports, in one list. Whatever shows, counts, orders or
 * classifies findings by kind — the survey's counters, the statistics' columns, the dashboard,
 * the ISP portal, the public check page, the STIX and IntelMQ renderers, the subscriber notices
 * — reads it from here, so a new kind is one entry below.
 */

/** A text in the languages the web pages and notices speak. */
export interface Words {
  readonly en: string;
  readonly ja: string;
}

export interface FindingKindDefinition {
  /** Stored, reported and matched on; lower-case, stable. */
  readonly kind: string;
  /** How urgently a subscriber should act, 0 most urgent: the order of reports and notices. */
  readonly urgency: number;
  /** The survey step or observation that finds it. */
  readonly foundBy: 'credentials' | 'firmware' | 'darknet' | 'reflection';
  /** Name in tables and charts: "Weak credentials". */
  readonly label: Words;
  /** Shorter name for a subscriber or an ISP's portal: "Weak password". */
  readonly shortLabel: Words;
  /** What the device does, after "the device …", for reports in English (STIX). */
  readonly description: string;
  /** What a subscriber should do, for the public "check my connection" page. */
  readonly advice: Words;
  /** The RSIT taxonomy and type IntelMQ expects, our identifier, and a description for its events. */
  readonly intelMq: { readonly taxonomy: string; readonly type: string; readonly identifier: string; readonly description: string };
}

export const findingKindDefinitions = [
  {
    kind: 'weak-credential',
    urgency: 2,
    foundBy: 'credentials',
    label: { en: 'Weak credentials', ja: '脆弱なID・パスワード' },
    shortLabel: { en: 'Weak password', ja: '脆弱なパスワード' },
    description: 'accepts a default or easily guessed password',
    advice: {
      en: 'A device here accepts a factory-default or easily guessed password. Log in to the device and set a long, unique password; turn off remote access (telnet, remote admin) if you do not use it.',
      ja: '初期設定のままか推測しやすいパスワードの機器があります。機器にログインして、長く他と重複しないパスワードに変更してください。使っていなければ、遠隔操作の機能（telnet、リモート管理）を止めてください。',
    },
    intelMq: {
      taxonomy: 'vulnerable',
      type: 'vulnerable-system',
      identifier: 'weak-credential',
      description: 'IoT device accepts a default or easily guessed password',
    },
  },
  {
    kind: 'no-authentication',
    urgency: 1,
    foundBy: 'credentials',
    label: { en: 'No authentication', ja: '認証なし' },
    shortLabel: { en: 'No password', ja: 'パスワードなし' },
    description: 'can be logged into without any password',
    advice: {
      en: 'A device here lets anyone in without a password. Set a password on it, and turn off remote administration if you do not need it.',
      ja: 'パスワードなしで誰でも入れる機器があります。パスワードを設定し、必要なければリモート管理を止めてください。',
    },
    intelMq: {
      taxonomy: 'vulnerable',
      type: 'vulnerable-system',
      identifier: 'no-authentication',
      description: 'IoT device can be logged into without a password',
    },
  },
  {
    kind: 'vulnerable-firmware',
    urgency: 3,
    foundBy: 'firmware',
    label: { en: 'Vulnerable firmware', ja: '脆弱なファームウェア' },
    shortLabel: { en: 'Vulnerable firmware', ja: '脆弱なファームウェア' },
    description: 'runs firmware with known vulnerabilities',
    advice: {
      en: "A device here runs firmware with known security holes. Install the latest firmware from the maker's website; if the maker no longer publishes updates, replace the device.",
      ja: '既知の脆弱性があるファームウェアの機器があります。メーカーのWebサイトから最新のファームウェアを入れてください。更新が提供されていない場合は、機器の買い替えをご検討ください。',
    },
    intelMq: {
      taxonomy: 'vulnerable',
      type: 'vulnerable-system',
      identifier: 'vulnerable-firmware',
      description: 'IoT device runs firmware with known vulnerabilities',
    },
  },
  {
    kind: 'infected',
    urgency: 0,
    foundBy: 'darknet',
    label: { en: 'Infected', ja: '感染' },
    shortLabel: { en: 'Infected', ja: '感染' },
    description: 'behaves like a botnet-infected device (scanning or attacking other hosts)',
    advice: {
      en: 'A device here appears to be infected and is attacking others. Disconnect it from the network, reset it to factory settings, update its firmware, and set a new strong password before you connect it again.',
      ja: '感染して他への攻撃を行っているとみられる機器があります。ネットワークから外し、工場出荷時の状態に戻し、ファームウェアを更新し、新しい強いパスワードを設定してからつなぎ直してください。',
    },
    intelMq: {
      taxonomy: 'malicious-code',
      type: 'infected-system',
      identifier: 'infected-iot',
      description: 'IoT device appears infected: it scans or attacks other hosts like a bot',
    },
  },
  {
    kind: 'reflector',
    urgency: 4,
    foundBy: 'reflection',
    label: { en: 'DDoS reflector', ja: 'DDoS反射攻撃の踏み台' },
    shortLabel: { en: 'Reflector', ja: '踏み台' },
    description: 'answers a small UDP request from anyone with a larger reply, so attackers can use it to amplify denial-of-service attacks',
    advice: {
      en: 'A device here answers requests from anyone on the internet with replies many times larger, and can be used to flood others (a DDoS reflector). Turn off the service on the internet side (UPnP/SSDP, SNMP, NTP monitoring, DNS for outsiders, memcached over UDP, device discovery) or restrict it to your own network.',
      ja: 'インターネットの誰からの問い合わせにも大きな応答を返す機器があり、他者へのDDoS攻撃の踏み台（反射）に使われるおそれがあります。インターネット側でその機能（UPnP/SSDP、SNMP、NTPの監視機能、外部向けDNS、UDPのmemcached、機器探索）を止めるか、自宅・社内のネットワークだけに制限してください。',
    },
    intelMq: {
      taxonomy: 'vulnerable',
      type: 'ddos-amplifier',
      identifier: 'reflector',
      description: 'IoT device answers small spoofable UDP requests with larger replies (DDoS amplifier)',
    },
  },
] as const satisfies readonly FindingKindDefinition[];

export type FindingKind = (typeof findingKindDefinitions)[number]['kind'];

/** Every kind, in the list's order (the columns of the statistics). */
export const findingKinds: readonly FindingKind[] = findingKindDefinitions.map((definition) => definition.kind);

/** Every kind, most urgent first (the order of reports and notices). */
export const findingKindsByUrgency: readonly FindingKind[] = [...findingKindDefinitions]
  .sort((a, b) => a.urgency - b.urgency)
  .map((definition) => definition.kind);

const byKind = new Map<string, FindingKindDefinition>(findingKindDefinitions.map((definition) => [definition.kind, definition]));

/**
 * The definition of a kind; undefined for a string that is not one (a kind stored by a newer version).
 * @example findingKind('infected')?.label.ja // '感染'
 */
export function findingKind(kind: string): FindingKindDefinition | undefined {
  return byKind.get(kind);
}

/**
 * @example isFindingKind('weak-credential') // true
 */
export function isFindingKind(kind: string): kind is FindingKind {
  return byKind.has(kind);
}
