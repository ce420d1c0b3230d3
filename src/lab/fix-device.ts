/**
 * What an owner does to a lab device when they act on a notice: every weak password
 * becomes a strong one, and a telnet shell that asked for no password starts asking
 * for one. The running servers read a service's credential (and telnet its auth) at
 * each login, so the fix applies to every new login attempt at once.
 */
import { createRandom, hashText } from '../core/random.ts';
import { strongCredential } from './credentials.ts';
import { weaknessOf } from './truth.ts';
import type { LabDevice, LabService } from './types.ts';

/** User name given to a telnet shell that had no login at all (busybox's default account). */
const openShellUsername = 'root';

/**
 * Replace the device's weak credentials in place; returns the services that changed
 * (none for a device that had nothing weak, or was fixed before). The new password is
 * drawn from the lab seed and the address, so a re-run fixes devices the same way.
 * @example fixDeviceCredentials(device, { seed: 1, knownPasswords }).map((service) => service.port) // [23, 80]
 */
export function fixDeviceCredentials(device: LabDevice, options: { seed: number; knownPasswords: ReadonlySet<string> }): LabService[] {
  // Exactly what the ground truth calls a weakness: a dictionary password or no login at all.
  const weak = device.services.filter((service) => weaknessOf(service).length > 0);
  if (weak.length === 0) return [];
  // One owner sets one new password for the whole device, as people do.
  const random = createRandom(hashText(`remediate:${options.seed}:${device.ip}`));
  const password = strongCredential(random, openShellUsername, options.knownPasswords).password;
  for (const service of weak) {
    if (service.auth === 'none') {
      // An open telnet shell, an anonymous broker, an open camera stream: the owner adds a login.
      service.auth = service.protocol === 'rtsp' ? 'digest' : 'login';
      service.credential = { username: openShellUsername, password };
    } else {
      service.credential = { username: service.credential!.username, password };
    }
  }
  return weak;
}
