/**
 * A peer certificate as plain, JSON-able facts. A survey records certificates (expired,
 * self-signed, for the wrong name: all of it is data); it never judges or rejects them.
 */
import type { X509Certificate } from 'node:crypto';
import { formatIPv6Groups, parseIPv6 } from './ipv6.ts';

/**
 * What is kept of one certificate, at most. A device may present names of 64 KiB or thousands
 * of attributes and alternative names (nothing in X.509 forbids it, and OpenSSL takes up to
 * 100 KiB per handshake message); every grab result and detection record would otherwise
 * carry it all, once per service. Real certificates stay far inside these bounds.
 */
export const certificateBounds = {
  /** Attributes kept per name (a real subject has under ten). */
  nameAttributes: 32,
  /** Characters kept per attribute value (X.520 caps a common name at 64). */
  attributeChars: 256,
  /** Characters kept of a name's text. */
  nameTextChars: 1024,
  /** Alternative names kept, all kinds together. */
  altNames: 32,
  /** Characters kept per alternative name (a DNS name has at most 253). */
  altNameChars: 255,
} as const;

export interface NameAttribute {
  /** OpenSSL's short name ("CN", "O", "emailAddress"), or the OID when it has none. */
  type: string;
  /** Unescaped UTF-8 text. */
  value: string;
}

export interface DistinguishedName {
  /**
   * Cut to `certificateBounds.nameTextChars` characters (and to the first
   * `certificateBounds.nameAttributes` attributes) when the certificate's name is longer.
   * In certificate order, RFC 4514 escaping, ", " between RDNs and " + " inside a multi-valued
   * one — what `openssl x509 -nameopt esc_2253,esc_ctrl,utf8,sep_multiline,sname` prints, one
   * line per RDN, joined with ", ". Example: `C=JP, O=Example\, Inc., CN=cam.example`.
   */
  text: string;
  /** Attributes in certificate order, the first `certificateBounds.nameAttributes`, values cut to `attributeChars`. */
  attributes: NameAttribute[];
  /** The last CN (the most specific one), if any. */
  commonName?: string;
}

/** The first `certificateBounds.altNames` alternative names, each cut to `altNameChars`. */
export interface SubjectAltNames {
  dns: string[];
  /** IPv4 dotted quads and RFC 5952 IPv6 text ("::1", not OpenSSL's "0:0:0:0:0:0:0:1"). */
  ip: string[];
  /** Every other kind, as OpenSSL prints it: "email:a@b.example", "URI:…", "othername:…". */
  other: string[];
}

export interface PublicKeyDetails {
  /** Node's key type: "rsa", "rsa-pss", "ec", "ed25519", "ed448", "dsa", or "unknown". */
  algorithm: string;
  /** Key size in bits (RSA/DSA modulus, EC field size, 256 for Ed25519, 456 for Ed448, as OpenSSL counts). */
  bits?: number;
  /** EC curve name, e.g. "prime256v1". */
  curve?: string;
}

export interface CertificateDetails {
  subject: DistinguishedName;
  issuer: DistinguishedName;
  subjectAltNames: SubjectAltNames;
  /** notBefore, ISO-8601 UTC. */
  validFrom: string;
  /** notAfter, ISO-8601 UTC. */
  validTo: string;
  /** Upper-case hex without leading zeros, as `openssl x509 -serial` prints it. */
  serialNumber: string;
  /** SHA-256 of the DER, upper-case hex pairs joined by ":", as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprintSha256: string;
  /** The issuer name equals the subject and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  /** basicConstraints CA:TRUE. */
  isCA: boolean;
  /** e.g. "sha256WithRSAEncryption"; absent when OpenSSL has no name for it. */
  signatureAlgorithm?: string;
  publicKey: PublicKeyDetails;
}

/**
 * Facts of one certificate. A public key this OpenSSL cannot decode is reported as algorithm
 * "unknown" and a signature it cannot check as not self-signed, rather than thrown.
 * @example describeCertificate(tlsSocket.getPeerX509Certificate()!).fingerprintSha256 // 'E5:BF:…:E4'
 */
export function describeCertificate(certificate: X509Certificate): CertificateDetails {
  return {
    subject: parseDistinguishedName(certificate.subject),
    issuer: parseDistinguishedName(certificate.issuer),
    subjectAltNames: parseSubjectAltNames(certificate.subjectAltName),
    validFrom: isoDate(certificate.validFromDate, certificate.validFrom),
    validTo: isoDate(certificate.validToDate, certificate.validTo),
    serialNumber: certificate.serialNumber.toUpperCase(),
    fingerprintSha256: certificate.fingerprint256,
    selfSigned: isSelfSigned(certificate),
    isCA: certificate.ca,
    ...(certificate.signatureAlgorithm ? { signatureAlgorithm: certificate.signatureAlgorithm } : {}),
    publicKey: describePublicKey(certificate),
  };
}

/**
 * Parse Node's multi-line name text (one RDN per line, RFC 4514 escapes, " + " between the
 * values of a multi-valued RDN). Escaped values never contain a bare newline or " + ", so
 * splitting on them is safe.
 * @example parseDistinguishedName('C=JP\nO=Example\\, Inc.').attributes // [{ type: 'C', value: 'JP' }, { type: 'O', value: 'Example, Inc.' }]
 */
export function parseDistinguishedName(multiline: string): DistinguishedName {
  const lines = multiline.split('\n', certificateBounds.nameAttributes * 2).filter((line) => line !== '');
  const attributes: NameAttribute[] = [];
  // An escaped value is at most 4 characters per byte of UTF-8 it stands for, so cutting the
  // escaped form first keeps the unescaping cheap whatever the certificate's length.
  const escapedChars = certificateBounds.attributeChars * 4 * 4;
  for (const line of lines) {
    for (const pair of line.split(' + ', certificateBounds.nameAttributes)) {
      const equals = pair.indexOf('=');
      if (equals <= 0 || attributes.length >= certificateBounds.nameAttributes) continue;
      const value = cut(unescapeRfc4514(pair.slice(equals + 1, equals + 1 + escapedChars)), certificateBounds.attributeChars);
      attributes.push({ type: cut(pair.slice(0, equals), certificateBounds.attributeChars), value });
    }
  }
  const commonName = attributes.findLast((attribute) => attribute.type === 'CN')?.value;
  return { text: cut(lines.join(', '), certificateBounds.nameTextChars), attributes, ...(commonName === undefined ? {} : { commonName }) };
}

/**
 * The first `max` characters, not splitting a surrogate pair.
 * @example cut('ab\u{1F600}', 3) // 'ab'
 */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** "\\," → ",", "\\0A" → byte 0x0A; the bytes are then read as UTF-8. */
function unescapeRfc4514(value: string): string {
  if (!value.includes('\\')) return value;
  const bytes: number[] = [];
  for (let index = 0; index < value.length; index++) {
    const char = value[index]!;
    const hex = value.slice(index + 1, index + 3);
    if (char === '\\' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else if (char === '\\' && index + 1 < value.length) {
      bytes.push(...Buffer.from(value[++index]!, 'utf8'));
    } else {
      const codePoint = value.codePointAt(index)!;
      const text = String.fromCodePoint(codePoint);
      bytes.push(...Buffer.from(text, 'utf8'));
      index += text.length - 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * @example parseSubjectAltNames('DNS:cam.example, IP Address:0:0:0:0:0:0:0:1') // { dns: ['cam.example'], ip: ['::1'], other: [] }
 */
export function parseSubjectAltNames(text: string | undefined): SubjectAltNames {
  const names: SubjectAltNames = { dns: [], ip: [], other: [] };
  if (!text) return names;
  // One entry: "TYPE:value", the value JSON-quoted when it holds a comma, quote or control
  // character (Node quotes those so a name cannot forge an entry). Sticky, so local.
  const sanEntry = /([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/y;
  // Each match consumes at least "X:", so the loop ends within text.length iterations.
  for (let match = sanEntry.exec(text); match && match[0] !== ''; match = sanEntry.exec(text)) {
    const kind = match[1]!;
    const value = match[2]!.startsWith('"') ? parseQuoted(match[2]!) : match[2]!;
    if (kind === 'DNS') names.dns.push(cut(value, certificateBounds.altNameChars));
    else if (kind === 'IP Address') names.ip.push(normalizeIp(value));
    else names.other.push(cut(`${kind}:${value}`, certificateBounds.altNameChars));
    if (sanEntry.lastIndex >= text.length || names.dns.length + names.ip.length + names.other.length >= certificateBounds.altNames) break;
  }
  return names;
}

function parseQuoted(quoted: string): string {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : quoted;
  } catch {
    return quoted;
  }
}

function normalizeIp(text: string): string {
  if (!text.includes(':')) return text;
  const value = parseIPv6(text);
  if (value === undefined) return text;
  const groups = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt(112 - 16 * index)) & 0xffffn));
  return formatIPv6Groups(groups);
}

function isoDate(date: Date, fallback: string): string {
  return Number.isNaN(date.getTime()) ? fallback : date.toISOString();
}

function isSelfSigned(certificate: X509Certificate): boolean {
  if (certificate.subject !== certificate.issuer) return false;
  try {
    return certificate.verify(certificate.publicKey);
  } catch {
    // A key type this OpenSSL cannot use: self-issued, but the signature is unproven.
    return false;
  }
}

function describePublicKey(certificate: X509Certificate): PublicKeyDetails {
  try {
    const key = certificate.publicKey;
    const algorithm = key.asymmetricKeyType ?? 'unknown';
    const details = key.asymmetricKeyDetails ?? {};
    if (details.namedCurve) return { algorithm, curve: details.namedCurve, ...curveBits(details.namedCurve) };
    if (details.modulusLength) return { algorithm, bits: details.modulusLength };
    if (algorithm === 'ed25519') return { algorithm, bits: 256 };
    if (algorithm === 'ed448') return { algorithm, bits: 456 };
    return { algorithm };
  } catch {
    return { algorithm: 'unknown' };
  }
}

/** Curve names carry their field size: prime256v1, secp384r1, secp521r1, brainpoolP512r1, sect571k1. */
function curveBits(curve: string): { bits?: number } {
  const digits = /(\d{3})/.exec(curve)?.[1];
  return digits ? { bits: Number(digits) } : {};
}
