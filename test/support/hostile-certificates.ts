/**
 * Certificates no CA and no `openssl req` would issue, for hostile TLS peers: validity long
 * past, names of 64 KiB full of control characters, thousands of alternative names, chains
 * of a megabyte. Written as DER by hand (a few TLVs) and signed with node:crypto, because
 * openssl's command line refuses exactly the names these tests need (`string too long`).
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

export interface HostileCertificateSpec {
  /** Subject attributes in order: [OID, value]. */
  subject: ReadonlyArray<readonly [string, string]>;
  /** Issuer attributes; the subject's when absent (self-issued). */
  issuer?: ReadonlyArray<readonly [string, string]>;
  notBefore: Date;
  notAfter: Date;
  /** DNS names for the subjectAltName extension; none when empty. */
  dnsNames?: readonly string[];
}

export interface HostileCertificate {
  /** The leaf and then the extra chain certificates, PEM, as a TLS server's `cert` takes them. */
  certPem: string;
  keyPem: string;
}

export const oids = { commonName: '2.5.4.3', organization: '2.5.4.10', organizationalUnit: '2.5.4.11' } as const;

const ecdsaWithSha256 = '1.2.840.10045.4.3.2';
const subjectAltName = '2.5.29.17';

/**
 * The tag and definite length that start a DER TLV of `length` content bytes, long form as needed.
 * @example derHeader(0x30, 300) // <Buffer 30 82 01 2c>
 */
export function derHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}

/**
 * One DER (definite-length BER) TLV.
 * @example derTlv(0x02, Buffer.from([5])) // <Buffer 02 01 05>
 */
export function derTlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([derHeader(tag, content.length), content]);
}

const sequence = (...parts: Buffer[]) => derTlv(0x30, Buffer.concat(parts));

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [];
  for (const arc of [(arcs[0] ?? 0) * 40 + (arcs[1] ?? 0), ...arcs.slice(2)]) {
    const groups: number[] = [];
    for (let rest = arc; ; rest = Math.floor(rest / 128)) {
      groups.unshift(groups.length === 0 ? rest & 0x7f : (rest & 0x7f) | 0x80);
      if (rest < 128) break;
    }
    bytes.push(...groups);
  }
  return derTlv(0x06, Buffer.from(bytes));
}

function name(attributes: ReadonlyArray<readonly [string, string]>): Buffer {
  // One RDN per attribute; values as UTF8String, which a parser must take byte for byte.
  return sequence(...attributes.map(([type, value]) => derTlv(0x31, sequence(oid(type), derTlv(0x0c, Buffer.from(value, 'utf8'))))));
}

/** GeneralizedTime always: it holds any year, which is all the expired case needs. */
function time(date: Date): Buffer {
  const text = `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  return derTlv(0x18, Buffer.from(text, 'latin1'));
}

function extensions(dnsNames: readonly string[]): Buffer {
  if (dnsNames.length === 0) return Buffer.alloc(0);
  const names = sequence(...dnsNames.map((dns) => derTlv(0x82, Buffer.from(dns, 'latin1'))));
  return derTlv(0xa3, sequence(sequence(oid(subjectAltName), derTlv(0x04, names))));
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function certificateDer(spec: HostileCertificateSpec, key: { privateKey: KeyObject; publicKey: KeyObject }, serial: number): Buffer {
  const algorithm = sequence(oid(ecdsaWithSha256));
  const tbs = sequence(
    derTlv(0xa0, derTlv(0x02, Buffer.from([0x02]))),
    derTlv(0x02, Buffer.from([0x01, (serial >> 8) & 0xff, serial & 0xff])),
    algorithm,
    name(spec.issuer ?? spec.subject),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    key.publicKey.export({ type: 'spki', format: 'der' }),
    extensions(spec.dnsNames ?? []),
  );
  const signature = sign('sha256', tbs, key.privateKey);
  return sequence(tbs, algorithm, derTlv(0x03, Buffer.concat([Buffer.from([0x00]), signature])));
}

/**
 * A self-issued leaf for `spec`, followed by `extraChain` more certificates like it (each
 * signed by the same key) so that the chain the server sends can be made as large as wanted.
 * @example const { certPem, keyPem } = hostileCertificate({ subject: [[oids.commonName, 'cam']], notBefore, notAfter })
 */
export function hostileCertificate(
  spec: HostileCertificateSpec,
  extraChain: { count: number; spec: HostileCertificateSpec } = { count: 0, spec },
): HostileCertificate {
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ders = [certificateDer(spec, key, 1)];
  for (let index = 0; index < extraChain.count; index += 1) ders.push(certificateDer(extraChain.spec, key, index + 2));
  const keyPem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem: ders.map((der) => toPem('CERTIFICATE', der)).join(''), keyPem };
}
