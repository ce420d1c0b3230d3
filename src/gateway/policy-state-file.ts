/**
 * The last good policy on disk (`opennotice gateway --state-file`), so a gateway restarted
 * while the server is unreachable still knows what it enforces and the notice page can still
 * explain it. Written atomically (a temporary file renamed over the old one, readable by the
 * owner only: it names quarantined addresses); read back through the same checks as a pulled
 * policy, signature included when a public key is configured.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { BlockIndicator } from '../blocklist/indicator.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { type GatewayPolicy, parseGatewayPolicy } from './policy.ts';
import { checkBlocklistSignature } from './policy-client.ts';

/** @example savePolicyState('/var/lib/opennotice/gateway-policy.json', policy) */
export function savePolicyState(file: string, policy: GatewayPolicy): void {
  const temporary = `${file}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(policy)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  } catch (error) {
    throw new OpenNoticeError('GATEWAY_FAILED', `cannot save the policy to ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
}

/**
 * The saved policy, or undefined when there is none yet. A file that does not check out is
 * CONFIG_INVALID: the caller decides whether to start without it.
 * @example const saved = loadPolicyState(file, publicKeyFile)
 */
export function loadPolicyState(file: string, publicKeyFile?: string): { policy: GatewayPolicy; indicators: BlockIndicator[] } | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OpenNoticeError('CONFIG_INVALID', `${file} is not a saved gateway policy: ${(error as Error).message}`, { file }, { cause: error });
  }
  const loaded = parseGatewayPolicy(parsed);
  if (publicKeyFile) checkBlocklistSignature(loaded.policy, publicKeyFile);
  return loaded;
}
