/**
 * A survey plan with the credentials check over one range, from this host (127.0.0.1), written
 * to a file as `survey --plan` reads it: the plan the audit trail tests record.
 */
import { writeFileSync } from 'node:fs';

/**
 * @example writeCredentialPlan(join(directory, 'plan.yaml'), '127.213.0.0/29', { maxConcurrent: 50, perHostAttempts: 40 })
 */
export function writeCredentialPlan(file: string, cidr: string, rates: { maxConcurrent: number; perHostAttempts: number }): void {
  writeFileSync(
    file,
    `operator: { name: Jane Doe, organisation: CSIRT, contact: jane@example.net, transparencyUrl: https://survey.example.net/ }
authorization: T-17
validFrom: 2026-01-01
validUntil: 2099-12-31
sourceAddresses: [127.0.0.1]
ranges: [${cidr}]
checks: [discovery, identify, credentials]
credentialList: default
rates: { connectionsPerSecond: 2000, maxConcurrent: ${rates.maxConcurrent}, perHostConcurrent: 2, perHostAttempts: ${rates.perHostAttempts} }
`,
  );
}
