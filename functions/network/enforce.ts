/**
 * Network access policies at the door (phase-reference.md §6, hardened per §10.7). A principal
 * with policies of its own may act only from an address one of them allows; a principal with
 * none is bound by the organisation's global policies, if there are any; with neither, any
 * address will do. An address that cannot be read is refused whenever a policy applies.
 */
import type { PolicyRef, PrincipalNetwork } from '../auth/principal';
import { compileAllowList, isAllowed, parseAddress } from './ip';

/** The policies that decide for this principal. */
export function applicablePolicies(network: PrincipalNetwork): PolicyRef[] {
  return network.attached.length > 0 ? network.attached : network.global;
}

/** Whether a request from `addressText` (null when unknown) passes `policies`. */
export function isAddressAllowed(policies: PolicyRef[], addressText: string | null): boolean {
  if (policies.length === 0) return true;
  const address = addressText === null ? null : parseAddress(addressText.trim());
  if (!address) return false;
  return policies.some((policy) => isAllowed(compileAllowList(policy.ips), address));
}

/**
 * The client address from the configured header. Only a header a trusted proxy sets may be
 * named (Cloudflare's `CF-Connecting-IP` by default); a value holding several addresses, as
 * `X-Forwarded-For` chains do, is not trusted and reads as unknown.
 */
export function clientAddressFrom(header: string | undefined): string | null {
  if (!header || header.includes(',')) return null;
  return header.trim() || null;
}
