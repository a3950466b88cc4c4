/**
 * Network access policies at the door (phase-reference.md §6, hardened per §10.7). A principal
 * with policies of its own may act only from an address one of them allows; a principal with
 * none is bound by the organisation's global policies, if there are any; with neither, any
 * address will do. An address that cannot be read is refused whenever a policy applies.
 */
import type { PolicyRef, PrincipalNetwork } from '../auth/principal';
import { type CompiledAllowList, compileAllowList, isAllowed, parseAddress } from './ip';

// Compiled lists, kept per isolate so a request does not re-parse the same entries. Keyed by
// content, so an edited policy compiles afresh; cleared when full, which only costs a compile.
const COMPILED_LIMIT = 1000;
const compiled = new Map<string, CompiledAllowList>();

function compiledFor(policy: PolicyRef): CompiledAllowList {
  const key = `${policy.id}:${policy.ips.join(',')}`;
  let list = compiled.get(key);
  if (!list) {
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    list = compileAllowList(policy.ips);
    compiled.set(key, list);
  }
  return list;
}

/** The policies that decide for this principal. */
export function applicablePolicies(network: PrincipalNetwork): PolicyRef[] {
  return network.attached.length > 0 ? network.attached : network.global;
}

/** Whether a request from `addressText` (null when unknown) passes `policies`. */
export function isAddressAllowed(policies: PolicyRef[], addressText: string | null): boolean {
  if (policies.length === 0) return true;
  const address = addressText === null ? null : parseAddress(addressText.trim());
  if (!address) return false;
  return policies.some((policy) => isAllowed(compiledFor(policy), address));
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
