/**
 * SSH personas of embedded servers: dropbear (routers, cameras, gateways) and OpenSSH
 * (NAS). They differ in what they offer and in how they end a run of failed logins;
 * the key exchange itself is the project's own (src/assess/credentials/ssh/).
 */
import type { LabDevice, LabService } from '../types.ts';
import type { SshPersona, VendorProfile } from './profile.ts';

/**
 * dropbear as firmware builds ship it: password logins, blank passwords allowed (-B),
 * a lower MAX_AUTH_TRIES than the upstream 10.
 * @example dropbearPersona().passwordMethod // 'password'
 */
export function dropbearPersona(): SshPersona {
  return {
    algorithms: {
      kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'diffie-hellman-group14-sha256', 'diffie-hellman-group14-sha1'],
      hostKey: ['ssh-ed25519'],
      cipher: ['aes128-ctr', 'aes256-ctr'],
      mac: ['hmac-sha1', 'hmac-sha2-256'],
    },
    passwordMethod: 'password',
    maxAuthTries: 5,
    hangUp: 'failure-then-close',
    blankPasswordWithNone: true,
  };
}

/**
 * OpenSSH: MaxAuthTries 6 (the default), disconnect on the sixth failure; with
 * `keyboardInteractiveOnly`, PasswordAuthentication is off and PAM asks "Password: ".
 * @example openSshPersona({ keyboardInteractiveOnly: true }).passwordMethod // 'keyboard-interactive'
 */
export function openSshPersona(options: { keyboardInteractiveOnly: boolean }): SshPersona {
  return {
    algorithms: {
      kex: ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'diffie-hellman-group14-sha256'],
      hostKey: ['ssh-ed25519'],
      cipher: ['aes128-ctr', 'aes256-ctr', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com'],
      mac: ['hmac-sha2-256', 'hmac-sha1'],
    },
    passwordMethod: options.keyboardInteractiveOnly ? 'keyboard-interactive' : 'password',
    maxAuthTries: 6,
    hangUp: 'disconnect-instead-of-failure',
    // OpenSSH lets "none" in for an empty password only when password logins are on.
    blankPasswordWithNone: !options.keyboardInteractiveOnly,
  };
}

/**
 * The persona of one SSH service: the vendor's own, or the one its software implies.
 * @example sshPersonaOf(vendorProfile('Quillon'), device, service).hangUp // 'failure-then-close'
 */
export function sshPersonaOf(vendor: Pick<VendorProfile, 'ssh'>, device: LabDevice, service: LabService): SshPersona {
  if (vendor.ssh) return vendor.ssh(device, service);
  return service.software?.startsWith('OpenSSH') ? openSshPersona({ keyboardInteractiveOnly: false }) : dropbearPersona();
}
