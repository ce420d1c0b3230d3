/**
 * The first steps of an SSH server (RFC 4253 §4.2, §7.1): send the identification line,
 * read the client's, answer with a KEXINIT packet like dropbear or OpenSSH would, then
 * close — the lab offers no SSH login, only what a banner grab sees.
 */
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { LabService } from '../types.ts';
import { connectionScope } from './connection-scope.ts';

/** Time allowed for the client's identification line (real servers allow more; a grab is quick). */
export const sshIdentificationTimeoutMs = 10_000;
/** After our KEXINIT, wait this long for the client before closing. */
const afterKexInitMs = 2000;
const maxIdentificationBytes = 255;

/**
 * The identification line a service sends, without CRLF.
 * @example sshIdentification({ port: 22, protocol: 'ssh', software: 'dropbear_2015.71' }) // 'SSH-2.0-dropbear_2015.71'
 */
export function sshIdentification(service: LabService): string {
  return `SSH-2.0-${service.software ?? 'dropbear_2019.78'}`;
}

const algorithms = {
  dropbear: {
    kex: 'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,kexguess2@matt.ucc.asn.au',
    hostKey: 'ecdsa-sha2-nistp256,ssh-rsa',
    cipher: 'aes128-ctr,aes256-ctr',
    mac: 'hmac-sha1,hmac-sha2-256',
  },
  openssh: {
    kex: 'curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256',
    hostKey: 'rsa-sha2-512,rsa-sha2-256,ssh-rsa,ecdsa-sha2-nistp256,ssh-ed25519',
    cipher: 'chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com',
    mac: 'umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-256,hmac-sha1',
  },
};

/**
 * An unencrypted SSH_MSG_KEXINIT packet (binary packet protocol, no MAC yet).
 * @example kexInitPacket('OpenSSH_7.4')[5] // 20
 */
export function kexInitPacket(software: string): Buffer {
  const names = software.startsWith('OpenSSH') ? algorithms.openssh : algorithms.dropbear;
  const nameList = (text: string) => {
    const bytes = Buffer.from(text, 'ascii');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const payload = Buffer.concat([
    Buffer.from([20]), // SSH_MSG_KEXINIT
    randomBytes(16),
    nameList(names.kex),
    nameList(names.hostKey),
    nameList(names.cipher),
    nameList(names.cipher),
    nameList(names.mac),
    nameList(names.mac),
    nameList('none'),
    nameList('none'),
    nameList(''),
    nameList(''),
    Buffer.from([0, 0, 0, 0, 0]), // first_kex_packet_follows = false, reserved uint32
  ]);
  // Padding so that length field + padding length + payload + padding is a multiple of 8, at least 4 bytes.
  let padding = 8 - ((4 + 1 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const header = Buffer.alloc(5);
  header.writeUInt32BE(1 + payload.length + padding);
  header.writeUInt8(padding, 4);
  return Buffer.concat([header, payload, Buffer.alloc(padding)]);
}

/**
 * Serve one SSH connection up to the key exchange.
 * @example server.on('connection', (socket) => serveSsh(socket, service))
 */
export function serveSsh(socket: Socket, service: LabService): void {
  const scope = connectionScope(socket);
  let received = Buffer.alloc(0);
  let answered = false;
  scope.write(`${sshIdentification(service)}\r\n`);
  scope.idle(sshIdentificationTimeoutMs, () => scope.finish());
  socket.on('data', (chunk: Buffer) => {
    if (answered) return;
    received = Buffer.concat([received, chunk]).subarray(0, maxIdentificationBytes + 2);
    const lineEnd = received.indexOf(0x0a);
    if (lineEnd === -1) {
      if (received.length > maxIdentificationBytes) scope.finish('Protocol mismatch.\r\n');
      return;
    }
    answered = true;
    if (!received.subarray(0, 4).equals(Buffer.from('SSH-'))) return scope.finish('Invalid SSH identification string.\r\n');
    scope.write(kexInitPacket(service.software ?? 'dropbear'));
    scope.idle(afterKexInitMs, () => scope.finish());
  });
}
