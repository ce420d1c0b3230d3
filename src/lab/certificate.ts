/**
 * Self-signed X.509 certificates for the lab's TLS services, made in-process: a device's web
 * interface over HTTPS, its MQTT broker over TLS. Real devices mostly ship exactly this — a
 * certificate signed by its own key, often with the vendor's name and a long validity — and
 * the survey must take it as evidence, not reject it. No openssl binary is needed: the DER is
 * written here (RFC 5280 §4.1) and signed with node:crypto (ECDSA P-256, SHA-256).
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { parseIPv6 } from '../scope/ipv6.ts';

export interface CertificateSubject {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** Two-letter country code. */
  country?: string;
}

export interface CertificateRequest {
  subject: CertificateSubject;
  /** Host names and IPv4 addresses for the subjectAltName extension. */
  altNames?: readonly string[];
  /** Positive serial number (kept below 2^63 so every encoder agrees). */
  serial: bigint;
  notBefore: Date;
  notAfter: Date;
}

export interface LabCertificate {
  /** PEM, for tls.createSecureContext. */
  cert: string;
  key: string;
}

/** One key pair for many certificates: generating a key per device would cost start-up time and prove nothing. */
export function createLabKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
}

/**
 * A certificate for `request`, self-signed with `key` (issuer = subject).
 * @example const { cert, key } = selfSignedCertificate(createLabKey(), { subject: { commonName: 'IPCAM' }, serial: 1n, notBefore, notAfter })
 */
export function selfSignedCertificate(key: KeyObject, request: CertificateRequest): LabCertificate {
  const publicKey = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const signatureAlgorithm = sequence(oid('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256, no parameters
  const name = distinguishedName(request.subject);
  const extensions = request.altNames && request.altNames.length > 0 ? [contextTag(3, sequence(subjectAltName(request.altNames)))] : [];
  const tbs = sequence(
    contextTag(0, integer(2n)), // v3
    integer(request.serial),
    signatureAlgorithm,
    name,
    sequence(time(request.notBefore), time(request.notAfter)),
    name,
    publicKey,
    ...extensions,
  );
  const signature = sign('sha256', tbs, { key, dsaEncoding: 'der' });
  const der = sequence(tbs, signatureAlgorithm, bitString(signature));
  return { cert: pem('CERTIFICATE', der), key: key.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// DER, the few types a certificate needs (X.690).

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), content]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | bytes.length, ...bytes]), content]);
}

const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const contextTag = (number: number, content: Buffer) => tlv(0xa0 | number, content);

function integer(value: bigint): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) bytes.unshift(0); // positive, minimal
  return tlv(0x02, Buffer.from(bytes));
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const groups: number[] = [];
    for (let value = arc; ; value = Math.floor(value / 128)) {
      groups.unshift(value % 128);
      if (value < 128) break;
    }
    bytes.push(...groups.map((group, index) => (index < groups.length - 1 ? group | 0x80 : group)));
  }
  return tlv(0x06, Buffer.from(bytes));
}

const bitString = (bytes: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), bytes]));

/** UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii')) : tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

function distinguishedName(subject: CertificateSubject): Buffer {
  const attribute = (type: string, value: string, tag: number) => set(sequence(oid(type), tlv(tag, Buffer.from(value, 'utf8'))));
  const printable = 0x13;
  const utf8 = 0x0c;
  return sequence(
    ...(subject.country ? [attribute('2.5.4.6', subject.country, printable)] : []),
    ...(subject.organization ? [attribute('2.5.4.10', subject.organization, utf8)] : []),
    ...(subject.organizationalUnit ? [attribute('2.5.4.11', subject.organizationalUnit, utf8)] : []),
    attribute('2.5.4.3', subject.commonName, utf8),
  );
}

function subjectAltName(names: readonly string[]): Buffer {
  const general = names.map((name) => {
    if (isIPv4(name)) return tlv(0x87, Buffer.from(name.split('.').map(Number)));
    if (isIPv6(name)) return tlv(0x87, Buffer.from((parseIPv6(name) ?? 0n).toString(16).padStart(32, '0'), 'hex'));
    return tlv(0x82, Buffer.from(name, 'ascii'));
  });
  return sequence(oid('2.5.29.17'), tlv(0x04, sequence(...general)));
}
