/**
 * A peer certificate as plain, JSON-able facts. A survey records certificates (expired,
 * self-signed, for the wrong name: all of it is data); it never judges or rejects them.
 */
import type { X509Certificate } from 'node:crypto';
import { formatIPv6Groups, parseIPv6 } from './ipv6.ts';

export interface NameAttribute {
  /** OpenSSL's short name ("CN", "O", "emailAddress"), or the OID when it has none. */
  type: string;
  /** Unescaped UTF-8 text. */
  value: string;
}

export interface DistinguishedName {
  /**
   * In certificate order, RFC 4514 escaping, ", " between RDNs and " + " inside a multi-valued
   * one — what `openssl x509 -nameopt esc_2253,esc_ctrl,utf8,sep_multiline,sname` prints, one
   * line per RDN, joined with ", ". Example: `C=JP, O=Example\, Inc., CN=cam.example`.
   */
  text: string;
  /** Every attribute in certificate order; a multi-valued RDN contributes several. */
  attributes: NameAttribute[];
  /** The last CN (the most specific one), if any. */
  commonName?: string;
}

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
  const lines = multiline.split('\n').filter((line) => line !== '');
  const attributes: NameAttribute[] = [];
  for (const line of lines) {
    for (const pair of line.split(' + ')) {
      const equals = pair.indexOf('=');
      if (equals > 0) attributes.push({ type: pair.slice(0, equals), value: unescapeRfc4514(pair.slice(equals + 1)) });
    }
  }
  const commonName = attributes.findLast((attribute) => attribute.type === 'CN')?.value;
  return { text: lines.join(', '), attributes, ...(commonName === undefined ? {} : { commonName }) };
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
    if (kind === 'DNS') names.dns.push(value);
    else if (kind === 'IP Address') names.ip.push(normalizeIp(value));
    else names.other.push(`${kind}:${value}`);
    if (sanEntry.lastIndex >= text.length) break;
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
