import { describe, expect, it } from 'vitest';
import {
  compileAllowList,
  formatAddress,
  isAllowed,
  matches,
  parseAddress,
  parseAllowEntry,
  unmapIPv4,
} from '../../functions/network/ip';

// Issue #8 "Done when": matching over v4, v6, mapped addresses, /0, /32, /128 and non-canonical
// input. Every table below is [input, expected]; the expected text is RFC 5952 canonical.

describe('parseAddress + formatAddress', () => {
  it.each([
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['192.0.2.1', '192.0.2.1'],
    ['10.0.0.10', '10.0.0.10'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // RFC 5952 §4.2.3: first of equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2: a lone zero is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // §4.2.3: the longest run wins
    ['2001:db8::0:1', '2001:db8::1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['fe80::abcd:EF01', 'fe80::abcd:ef01'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::FFFF:0102:0304', '::ffff:1.2.3.4'],
    ['0:0:0:0:0:ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::1.2.3.4', '::102:304'], // IPv4-compatible (deprecated) is plain IPv6
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ])('%s formats as %s', (text, expected) => {
    const parsed = parseAddress(text);
    expect(parsed).not.toBeNull();
    expect(parsed && formatAddress(parsed)).toBe(expected);
  });

  it.each([
    [''],
    ['garbage'],
    ['1.2.3'],
    ['1.2.3.4.5'],
    ['999.1.1.1'],
    ['256.0.0.0'],
    ['01.2.3.4'],
    ['1.2.3.04'],
    ['1..2.3'],
    ['+1.2.3.4'],
    [' 1.2.3.4'],
    ['0x7f.0.0.1'],
    ['1.2.3.4/32'],
    [':'],
    [':::'],
    ['1:::2'],
    ['1::2::3'],
    [':1::2'],
    ['1::2:'],
    ['1:2:3:4:5:6:7'],
    ['1:2:3:4:5:6:7:8:9'],
    ['1:2:3:4:5:6:7:8::'],
    ['::1:2:3:4:5:6:7:8'],
    ['12345::'],
    ['g::1'],
    ['fe80::1%eth0'],
    ['::1.2.3'],
    ['::1.2.3.4:5'],
    ['1.2.3.4::'],
    ['::ffff:01.2.3.4'],
    ['1:2:3:4:5:6:7:1.2.3.4'],
    ['[::1]'],
    [`${'0:'.repeat(40)}1`],
  ])('%j is refused', (text) => {
    expect(parseAddress(text)).toBeNull();
  });

  it('keeps a mapped address as written and unmaps it on request', () => {
    const parsed = parseAddress('::ffff:10.1.2.3');
    expect(parsed?.family).toBe(6);
    const unmapped = parsed && unmapIPv4(parsed);
    expect(unmapped?.family).toBe(4);
    expect(unmapped && formatAddress(unmapped)).toBe('10.1.2.3');
    const plain = parseAddress('2001:db8::1');
    expect(plain && unmapIPv4(plain)).toBe(plain);
  });
});

describe('parseAllowEntry canonical form', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8', 4, 8],
    ['  10.0.0.0/8\t', '10.0.0.0/8', 4, 8],
    ['0.0.0.0/0', '0.0.0.0/0', 4, 0],
    ['192.0.2.7', '192.0.2.7', 4, 32],
    ['192.0.2.7/32', '192.0.2.7', 4, 32],
    ['172.16.0.0/12', '172.16.0.0/12', 4, 12],
    ['::/0', '::/0', 6, 0],
    ['2001:DB8::/32', '2001:db8::/32', 6, 32],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/32', '2001:db8::/32', 6, 32],
    ['2001:db8::1/128', '2001:db8::1', 6, 128],
    ['2001:DB8::1', '2001:db8::1', 6, 128],
    ['fe80::/10', 'fe80::/10', 6, 10],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8', 4, 8],
    ['::ffff:0:0/96', '0.0.0.0/0', 4, 0],
    ['::FFFF:0A00:0000/104', '10.0.0.0/8', 4, 8],
    ['::ffff:192.0.2.7', '192.0.2.7', 4, 32],
    ['::ffff:192.0.2.7/128', '192.0.2.7', 4, 32],
    ['::/96', '::/96', 6, 96],
    ['::1.2.3.0/120', '::102:300/120', 6, 120],
  ])('%j → %s', (text, canonical, family, prefixLength) => {
    const result = parseAllowEntry(text);
    expect(result).toMatchObject({ ok: true, canonical });
    if (!result.ok) return;
    expect(result.entry.network.family).toBe(family);
    expect(result.entry.prefixLength).toBe(prefixLength);
    // Canonical text is a fixed point.
    expect(parseAllowEntry(result.canonical)).toMatchObject({ ok: true, canonical });
  });
});

describe('parseAllowEntry refusals', () => {
  it.each([
    ['', 'empty', 'empty entry'],
    ['   ', 'empty', 'empty entry'],
    ['garbage', 'invalid_address', '"garbage" is not a valid IPv4 or IPv6 address'],
    ['999.1.1.1', 'invalid_address', '"999.1.1.1" is not a valid'],
    ['1.2.3', 'invalid_address', '"1.2.3" is not a valid'],
    ['01.2.3.4', 'invalid_address', '"01.2.3.4" is not a valid'],
    ['/8', 'invalid_address', '"/8" is not a valid'],
    ['1.2.3.4 /8', 'invalid_address', 'is not a valid'],
    ['1:2:3::4::5/64', 'invalid_address', 'is not a valid'],
    ['fe80::1%eth0', 'zone_id', '"fe80::1%eth0": zone ids'],
    ['fe80::%1/64', 'zone_id', 'zone ids'],
    ['1.2.3.4/33', 'invalid_prefix', '"1.2.3.4/33": the prefix must be a whole number 0-32'],
    ['::/129', 'invalid_prefix', '"::/129": the prefix must be a whole number 0-128'],
    ['1.2.3.4/08', 'invalid_prefix', 'whole number 0-32'],
    ['10.0.0.0/+8', 'invalid_prefix', 'whole number'],
    ['10.0.0.0/-1', 'invalid_prefix', 'whole number'],
    ['10.0.0.0/', 'invalid_prefix', 'whole number'],
    ['10.0.0.0/8/8', 'invalid_prefix', 'whole number'],
    ['10.0.0.0/ 8', 'invalid_prefix', 'whole number'],
    ['10.0.0.0/0x8', 'invalid_prefix', 'whole number'],
    ['10.0.0.5/8', 'host_bits_set', '"10.0.0.5/8" has host bits set; did you mean 10.0.0.0/8?'],
    ['1.2.3.4/0', 'host_bits_set', 'did you mean 0.0.0.0/0?'],
    ['2001:db8::1/32', 'host_bits_set', 'did you mean 2001:db8::/32?'],
    ['::1/0', 'host_bits_set', 'did you mean ::/0?'],
    ['::ffff:10.0.0.1/104', 'host_bits_set', 'did you mean 10.0.0.0/8?'],
    ['::ffff:10.0.0.0/80', 'host_bits_set', 'did you mean ::/80?'],
  ])('%j is refused as %s', (text, code, reason) => {
    const result = parseAllowEntry(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.reason).toContain(reason);
  });

  it('quotes a long or hostile value safely in the reason', () => {
    const result = parseAllowEntry(`1.2.3.4\u0007${'x'.repeat(200)}`);
    expect(result).toMatchObject({ ok: false, code: 'invalid_address' });
    if (result.ok) return;
    expect(result.reason).toContain('\\u0007');
    expect(result.reason.length).toBeLessThan(120);
  });
});

describe('matching', () => {
  it.each([
    // IPv4
    [['10.0.0.0/8'], '10.1.2.3', true],
    [['10.0.0.0/8'], '11.0.0.0', false],
    [['10.0.0.0/8'], '9.255.255.255', false],
    [['192.0.2.0/24'], '192.0.2.255', true],
    [['192.0.2.0/25'], '192.0.2.128', false],
    [['192.0.2.7'], '192.0.2.7', true],
    [['192.0.2.7'], '192.0.2.8', false],
    [['192.0.2.7/32'], '192.0.2.7', true],
    [['192.0.2.7/32'], '192.0.2.6', false],
    [['0.0.0.0/0'], '255.255.255.255', true],
    [['0.0.0.0/0'], '0.0.0.0', true],
    [['128.0.0.0/1'], '127.255.255.255', false],
    [['128.0.0.0/1'], '200.0.0.1', true],
    // IPv6
    [['2001:db8::/32'], '2001:db8:ffff::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['2001:db8::1'], '2001:0DB8:0:0:0:0:0:1', true],
    [['2001:db8::1/128'], '2001:db8::1', true],
    [['2001:db8::1/128'], '2001:db8::2', false],
    [['2001:db8:0:0:8000::/65'], '2001:db8::8000:0:0:1', true],
    [['2001:db8:0:0:8000::/65'], '2001:db8::7fff:0:0:1', false],
    [['fe80::/10'], 'febf::1', true],
    [['fe80::/10'], 'fec0::1', false],
    [['::/0'], '2001:db8::1', true],
    [['::/0'], '::', true],
    // Families never cross, except that a mapped address is IPv4.
    [['::/0'], '1.2.3.4', false],
    [['::/0'], '::ffff:1.2.3.4', false],
    [['0.0.0.0/0'], '2001:db8::1', false],
    [['0.0.0.0/0'], '::ffff:1.2.3.4', true],
    [['0.0.0.0/0', '::/0'], '2001:db8::1', true],
    [['0.0.0.0/0', '::/0'], '1.2.3.4', true],
    [['::1.2.3.4'], '1.2.3.4', false],
    // Mapped client against an IPv4 entry.
    [['10.0.0.0/8'], '::ffff:10.9.8.7', true],
    [['10.0.0.0/8'], '::FFFF:0A09:0807', true],
    [['10.0.0.0/8'], '0:0:0:0:0:ffff:11.0.0.1', false],
    [['192.0.2.7'], '::ffff:192.0.2.7', true],
    // IPv4 client against a mapped entry.
    [['::ffff:10.0.0.0/104'], '10.200.0.1', true],
    [['::ffff:10.0.0.0/104'], '11.0.0.1', false],
    [['::ffff:192.0.2.7'], '192.0.2.7', true],
    [['::ffff:0:0/96'], '8.8.8.8', true],
    [['::ffff:0:0/96'], '2001:db8::1', false],
    // Non-canonical entries still match (they compile through the same parser).
    [[' 2001:DB8::/32 '], '2001:db8::5', true],
    [['2001:0db8:0000:0000:0000:0000:0000:0001'], '2001:db8::1', true],
    // Several entries: any one suffices.
    [['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'], '192.0.2.7', true],
    [['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'], '2001:db8::9', true],
    [['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'], '198.51.100.1', false],
    // Empty lists and bad client text allow nothing.
    [[], '1.2.3.4', false],
    [[], '::1', false],
    [['0.0.0.0/0', '::/0'], '', false],
    [['0.0.0.0/0', '::/0'], 'unknown', false],
    [['0.0.0.0/0', '::/0'], 'fe80::1%eth0', false],
    [['0.0.0.0/0', '::/0'], ' 1.2.3.4', false],
  ])('%j allows %j: %s', (entries, address, expected) => {
    expect(matches(entries, address)).toBe(expected);
  });

  it('skips entries that no longer parse, failing closed', () => {
    const list = compileAllowList(['10.0.0.5/8', 'garbage', '192.0.2.0/24']);
    expect(list.skipped).toBe(2);
    const inside = parseAddress('192.0.2.1');
    const outside = parseAddress('10.0.0.5');
    expect(inside && isAllowed(list, inside)).toBe(true);
    expect(outside && isAllowed(list, outside)).toBe(false);
  });

  it('compiles entries into compact word tables', () => {
    const list = compileAllowList(['10.0.0.0/8', '2001:db8::/32', '::ffff:192.0.2.0/120']);
    expect(Array.from(list.v4)).toEqual([0x0a000000, -0x1000000, 0xc0000200 | 0, -0x100]);
    expect(list.v6.length).toBe(8);
    expect(list.skipped).toBe(0);
  });
});
