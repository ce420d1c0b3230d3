/** What a TLS handshake showed: kept with the connection, as survey evidence. */
import type { CertificateDetails } from './certificate.ts';

export interface TlsDetails {
  /** Negotiated protocol version as OpenSSL names it: "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3". */
  version: string;
  cipher: { name: string; standardName: string; version: string };
  /** The ALPN protocol the server selected; absent when none was offered or selected. */
  alpn?: string;
  /** The SNI name actually sent; absent when none was. */
  servername?: string;
  /** Key exchange, e.g. { type: 'ECDH', name: 'X25519', size: 253 } or { type: 'DH', size: 1024 }. */
  keyExchange?: { type: string; name?: string; size: number };
  /** Whether the chain validates against Node's bundled CAs (names not checked). Recorded, never enforced. */
  authorized: boolean;
  /** OpenSSL's verification error when not authorized, e.g. "CERT_HAS_EXPIRED", "DEPTH_ZERO_SELF_SIGNED_CERT". */
  authorizationError?: string;
  /** The leaf certificate; absent when the server sent none (or it could not be read: see certificateError). */
  certificate?: CertificateDetails;
  /** Why the certificate the server sent could not be described. */
  certificateError?: string;
  /**
   * SHA-256 fingerprints of the chain as Node reports it, leaf first: what the peer sent,
   * ordered by issuer, completed with a root from Node's CA bundle when one matches.
   */
  chainFingerprintsSha256: string[];
}
