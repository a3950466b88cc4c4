/**
 * IP allow lists for network access policies: strict parsing of IPv4 and IPv6 text,
 * canonical allow-list entries, and a compiled form matched on every authenticated request.
 * Pure code: no Node built-ins, so it runs the same in workerd and in Node.
 *
 * Semantic choices, fixed here so routes, middleware and tests agree:
 * - IPv4-mapped IPv6 (`::ffff:0:0/96`, RFC 4291 §2.5.5.2) is IPv4: a mapped client matches IPv4
 *   entries, and a mapped entry is stored as IPv4 (`::ffff:10.0.0.0/104` → `10.0.0.0/8`).
 * - Otherwise the families never cross: `0.0.0.0/0` matches every IPv4 client (mapped ones
 *   included) and `::/0` every other IPv6 client, so allowing everything takes both entries.
 * - One canonical text per set of addresses: a single address is written bare, so `1.2.3.4`,
 *   `1.2.3.4/32` and `::ffff:1.2.3.4/128` all become `1.2.3.4` (duplicates are then visible).
 * - A CIDR with host bits set (`10.0.0.5/8`) is refused, not narrowed to its network: a typo in
 *   an allow list must be visible rather than silently widen or shift the range.
 * - Zone ids (RFC 4007 §11, `fe80::1%eth0`) are refused: they name an interface, not a client.
 * - The deprecated IPv4-compatible form (`::1.2.3.4`, RFC 4291 §2.5.5.1) is plain IPv6.
 *
 * Speed: `compileAllowList` parses entries once into 32-bit (network, mask) words, so a request
 * costs one parse of its own address and a few integer comparisons per entry.
 */

/** A parsed IP address in network byte order: 4 bytes for IPv4, 16 for IPv6. */
export interface ParsedAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

/** One allow-list entry: a network address with its host bits clear, and its prefix in bits. */
export interface AllowEntry {
  readonly network: ParsedAddress;
  readonly prefixLength: number;
}

/** Why an allow-list entry was refused; `reason` on the result is the human-readable form. */
export type AllowEntryErrorCode =
  | 'empty'
  | 'invalid_address'
  | 'zone_id'
  | 'invalid_prefix'
  | 'host_bits_set';

/** The outcome of `parseAllowEntry`: the entry and its canonical text, or why it was refused. */
export type AllowEntryResult =
  | { ok: true; entry: AllowEntry; canonical: string }
  | { ok: false; code: AllowEntryErrorCode; reason: string };

/**
 * Allow-list entries compiled for matching. Each table holds, per entry, the network words then
 * the mask words (one of each for IPv4, four of each for IPv6), as signed 32-bit integers.
 */
export interface CompiledAllowList {
  readonly v4: Int32Array;
  readonly v6: Int32Array;
  /** Entries that did not parse and were left out; leaving one out can only narrow access. */
  readonly skipped: number;
}

// "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" is the longest valid text (INET6_ADDRSTRLEN
// less its NUL); anything longer is refused before any splitting.
const MAX_ADDRESS_CHARS = 45;
const MAX_SHOWN_CHARS = 60;
const MAPPED_PREFIX_BITS = 96;
const HEX_DIGITS = '0123456789abcdef';

/**
 * Parses an IPv4 dotted quad or any RFC 4291 §2.2 IPv6 text form (no prefix, no zone id, no
 * surrounding whitespace). An IPv4-mapped address is returned as written (family 6); see
 * `unmapIPv4`.
 * @example parseAddress('::FFFF:10.0.0.1') // { family: 6, bytes: [0, …, 0xff, 0xff, 10, 0, 0, 1] }
 */
export function parseAddress(text: string): ParsedAddress | null {
  if (text.length === 0 || text.length > MAX_ADDRESS_CHARS) return null;
  if (text.includes(':')) {
    const bytes = parseIPv6(text);
    return bytes ? { family: 6, bytes } : null;
  }
  const bytes = parseIPv4(text);
  return bytes ? { family: 4, bytes } : null;
}

/** The IPv4 address an IPv4-mapped IPv6 address stands for; any other address is unchanged. */
export function unmapIPv4(address: ParsedAddress): ParsedAddress {
  return isMapped(address.bytes) ? { family: 4, bytes: address.bytes.slice(12) } : address;
}

/**
 * Formats an address for logs and messages: dotted quad for IPv4, RFC 5952 text for IPv6
 * (lowercase, leading zeros dropped, the longest run of two or more zero groups compressed).
 */
export function formatAddress(address: ParsedAddress): string {
  const b = address.bytes;
  if (address.family === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  // RFC 5952 §5: mapped addresses keep the dotted tail, which is how people recognise them.
  if (isMapped(b)) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return compressGroups(Array.from({ length: 8 }, (_, i) => view.getUint16(2 * i)));
}

/**
 * Parses one allow-list entry, an address or a CIDR range, after trimming whitespace.
 * The prefix is plain decimal (no sign, no leading zero) within the address family's width.
 * @example parseAllowEntry(' ::FFFF:10.0.0.0/104 ') // ok, canonical '10.0.0.0/8'
 * @example parseAllowEntry('10.0.0.5/8') // refused: host bits set; did you mean 10.0.0.0/8?
 */
export function parseAllowEntry(text: string): AllowEntryResult {
  const trimmed = text.trim();
  if (trimmed.length === 0) return refuse('empty', 'empty entry');
  const shown = show(trimmed);
  if (trimmed.includes('%')) return refuse('zone_id', `${shown}: zone ids (%…) are not allowed`);
  const slash = trimmed.indexOf('/');
  const address = parseAddress(slash < 0 ? trimmed : trimmed.slice(0, slash));
  if (!address) return refuse('invalid_address', `${shown} is not a valid IPv4 or IPv6 address`);
  const maxBits = address.bytes.length * 8;
  const prefixLength = slash < 0 ? maxBits : parseDecimal(trimmed.slice(slash + 1), maxBits);
  if (prefixLength === null) {
    return refuse('invalid_prefix', `${shown}: the prefix must be a whole number 0-${maxBits}`);
  }
  return toEntry(address, prefixLength, shown);
}

/**
 * Compiles stored (already validated) entries for `isAllowed`. An entry that no longer parses is
 * counted in `skipped` and left out, which fails closed: an empty list allows nothing.
 */
export function compileAllowList(entries: readonly string[]): CompiledAllowList {
  const v4: number[] = [];
  const v6: number[] = [];
  const valid = entries.map(parseAllowEntry).flatMap((result) => (result.ok ? [result.entry] : []));
  for (const { network, prefixLength } of valid) {
    const words = toWords(network.bytes);
    (network.family === 4 ? v4 : v6).push(...words, ...prefixMasks(prefixLength, words.length));
  }
  const skipped = entries.length - valid.length;
  return { v4: Int32Array.from(v4), v6: Int32Array.from(v6), skipped };
}

/** True when any compiled entry covers the address; a mapped address is matched as IPv4. */
export function isAllowed(list: CompiledAllowList, address: ParsedAddress): boolean {
  const client = unmapIPv4(address);
  return matchTable(client.family === 4 ? list.v4 : list.v6, toWords(client.bytes));
}

/** Convenience for one-off checks (the lock-out guard, tests): parses both sides, then matches. */
export function matches(entries: readonly string[], addressText: string): boolean {
  const address = parseAddress(addressText);
  return address !== null && isAllowed(compileAllowList(entries), address);
}

function refuse(code: AllowEntryErrorCode, reason: string): AllowEntryResult {
  return { ok: false, code, reason };
}

// JSON quoting keeps control characters from a hostile entry out of messages and log lines.
function show(text: string): string {
  const cut = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
  return JSON.stringify(cut);
}

function toEntry(address: ParsedAddress, prefixLength: number, shown: string): AllowEntryResult {
  // A mapped range lies wholly inside ::ffff:0:0/96 only from /96 on; shorter prefixes would
  // have host bits among the ffff and are refused below as ordinary IPv6.
  const mapped = isMapped(address.bytes) && prefixLength >= MAPPED_PREFIX_BITS;
  const source = mapped ? unmapIPv4(address) : address;
  const bits = mapped ? prefixLength - MAPPED_PREFIX_BITS : prefixLength;
  const network = { family: source.family, bytes: maskBytes(source.bytes, bits) };
  const entry: AllowEntry = { network, prefixLength: bits };
  const isSingle = bits === network.bytes.length * 8;
  const canonical = isSingle ? formatAddress(network) : `${formatAddress(network)}/${bits}`;
  if (!network.bytes.every((byte, i) => byte === source.bytes[i])) {
    return refuse('host_bits_set', `${shown} has host bits set; did you mean ${canonical}?`);
  }
  return { ok: true, entry, canonical };
}

function isMapped(bytes: Uint8Array): boolean {
  if (bytes.length !== 16 || bytes[10] !== 0xff || bytes[11] !== 0xff) return false;
  return bytes.subarray(0, 10).every((byte) => byte === 0);
}

// Digits only, no sign and no leading zero. RFC 6943 §3.1.1: some parsers read `010` as octal,
// so an octet or prefix that could mean two numbers is refused rather than guessed.
function parseDecimal(text: string, max: number): number | null {
  if (text.length === 0 || text.length > 3) return null;
  if (text.length > 1 && text.charCodeAt(0) === 0x30) return null;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return value <= max ? value : null;
}

// Only the four-part dotted decimal form: inet_aton's shorthand (`10.1`, `0x7f.1`) is refused.
function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets = parts.map((part) => parseDecimal(part, 255));
  return octets.every((octet): octet is number => octet !== null) ? Uint8Array.from(octets) : null;
}

function parseIPv6(text: string): Uint8Array | null {
  // RFC 4291 §2.2 (2): `::` appears at most once and stands for one or more zero groups.
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const compressed = halves.length === 2;
  const head = parseGroups(halves[0] ?? '', !compressed);
  const tail = compressed ? parseGroups(halves[1] ?? '', true) : [];
  if (!head || !tail) return null;
  const explicit = head.length + tail.length;
  if (compressed ? explicit > 7 : explicit !== 8) return null;
  const groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...tail];
  return Uint8Array.from(groups.flatMap((group) => [group >> 8, group & 0xff]));
}

// Colon-separated hex groups; RFC 4291 §2.2 (3) allows a dotted quad as the last two groups,
// so `lastMayBeIPv4` is true only for the part of the text that ends the address.
function parseGroups(text: string, lastMayBeIPv4: boolean): number[] | null {
  if (text.length === 0) return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (lastMayBeIPv4 && i === parts.length - 1 && part.includes('.')) {
      const quad = parseIPv4(part);
      if (!quad) return null;
      const view = new DataView(quad.buffer);
      groups.push(view.getUint16(0), view.getUint16(2));
      continue;
    }
    const group = parseHexGroup(part);
    if (group === null) return null;
    groups.push(group);
  }
  return groups;
}

// One to four hex digits of either case (RFC 4291 §2.2 (1); RFC 5952 §2.3).
function parseHexGroup(text: string): number | null {
  if (text.length === 0 || text.length > 4) return null;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = HEX_DIGITS.indexOf(text.charAt(i).toLowerCase());
    if (digit < 0) return null;
    value = (value << 4) | digit;
  }
  return value;
}

function compressGroups(groups: number[]): string {
  // RFC 5952 §4.2.2: a lone zero group is never compressed, so a run must beat length 1;
  // §4.2.3: the longest run wins and, on a tie, the first, hence the strict comparison.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    let end = i;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - i > bestLength) [bestStart, bestLength] = [i, end - i];
    i = end === i ? i + 1 : end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function maskBytes(bytes: Uint8Array, prefixLength: number): Uint8Array {
  return bytes.map((byte, i) => {
    const kept = Math.min(8, Math.max(0, prefixLength - 8 * i));
    return byte & (0xff00 >> kept);
  });
}

function toWords(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) words.push(view.getInt32(i));
  return words;
}

function prefixMasks(prefixLength: number, wordCount: number): number[] {
  return Array.from({ length: wordCount }, (_, i) => {
    const bits = Math.min(32, Math.max(0, prefixLength - 32 * i));
    // A shift count is taken mod 32 in JavaScript, so `-1 << 32` would be -1, not 0.
    return bits === 0 ? 0 : -1 << (32 - bits);
  });
}

function matchTable(table: Int32Array, words: number[]): boolean {
  const n = words.length;
  for (let base = 0; base < table.length; base += 2 * n) {
    let hit = true;
    for (let k = 0; k < n && hit; k++) {
      hit = ((words[k] ?? 0) & (table[base + n + k] ?? 0)) === table[base + k];
    }
    if (hit) return true;
  }
  return false;
}
