/**
 * Strict text encodings used by the Phase wire formats (phase-reference.md §3.1): lowercase hex
 * out (either case in), standard-alphabet base64 with `=` padding, and UTF-8.
 *
 * Every decoder rejects anything it would otherwise have to guess about: odd-length hex,
 * unpadded or URL-safe base64, base64 with non-zero padding bits (libsodium's decoder rejects
 * those too, so a value we accept is one the Phase SDKs accept), and invalid UTF-8.
 */
import { bytesToHex as nobleBytesToHex } from '@noble/hashes/utils.js';
import { CryptoError } from './errors.js';

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES: Int16Array = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64_ALPHABET.length; i++) table[BASE64_ALPHABET.charCodeAt(i)] = i;
  return table;
})();
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Value of one hex digit given its char code, or -1. Computed with masks rather than branches
 * because the digits are often key material (token shares, seeds): which class each digit falls
 * in (0-9, a-f, A-F) is itself a fact about the key.
 */
function hexNibble(code: number): number {
  const digitMask = ((47 - code) & (code - 58)) >> 31;
  const folded = code | 0x20;
  const letterMask = ((96 - folded) & (folded - 103)) >> 31;
  return (digitMask & (code - 48)) | (letterMask & (folded - 87)) | ~(digitMask | letterMask);
}

/** Decodes `length` hex digits read through `codeAt`, collecting errors instead of exiting. */
function decodeHexDigits(codeAt: (index: number) => number, length: number): Uint8Array {
  const out = new Uint8Array(length / 2);
  let invalid = 0;
  for (let i = 0; i < out.length; i++) {
    const high = hexNibble(codeAt(2 * i));
    const low = hexNibble(codeAt(2 * i + 1));
    invalid |= high | low;
    out[i] = (high << 4) | low;
  }
  if (invalid < 0) {
    out.fill(0);
    throw new CryptoError('bad_hex', 'expected only hex digits');
  }
  return out;
}

function assertHexLength(length: number, expectedLength: number | undefined): void {
  if (length % 2 !== 0) throw new CryptoError('bad_hex', 'expected an even number of hex digits');
  if (expectedLength !== undefined && length !== expectedLength * 2) {
    throw new CryptoError('bad_length', `expected ${expectedLength} bytes of hex`);
  }
}

/**
 * Decodes hex (lowercase or uppercase, no `0x`) into bytes.
 *
 * @param hex - The hex string.
 * @param expectedLength - When given, the exact number of bytes required.
 * @returns The decoded bytes.
 * @throws {@link CryptoError} `bad_hex` for a non-string, odd length or non-hex character;
 *   `bad_length` when the decoded length differs from `expectedLength`.
 */
export function hexToBytes(hex: string, expectedLength?: number): Uint8Array {
  if (typeof hex !== 'string') throw new CryptoError('bad_hex', 'expected a hex string');
  assertHexLength(hex.length, expectedLength);
  return decodeHexDigits((index) => hex.charCodeAt(index), hex.length);
}

/**
 * Decodes hex held as ASCII bytes, for key material that Phase encrypts as hex text (the wrapped
 * token share, §3.2): decoding from bytes avoids an intermediate string that could not be wiped.
 *
 * @param ascii - ASCII hex digits, either case.
 * @param expectedLength - When given, the exact number of bytes required.
 * @returns The decoded bytes.
 * @throws {@link CryptoError} `bad_hex` or `bad_length`, as {@link hexToBytes}.
 */
export function asciiHexToBytes(ascii: Uint8Array, expectedLength?: number): Uint8Array {
  assertHexLength(ascii.length, expectedLength);
  return decodeHexDigits((index) => ascii[index] as number, ascii.length);
}

/**
 * Encodes bytes as lowercase hex held in ASCII bytes (the inverse of {@link asciiHexToBytes}).
 *
 * @param bytes - The bytes to encode.
 * @returns Two ASCII hex digits per byte; the caller should wipe them if they encode a secret.
 */
export function bytesToAsciiHex(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    out[2 * i] = asciiHexDigit(byte >> 4);
    out[2 * i + 1] = asciiHexDigit(byte & 15);
  }
  return out;
}

/** ASCII code of a lowercase hex digit, without a data-dependent branch. */
function asciiHexDigit(nibble: number): number {
  // 48 is '0'; above 9, add the 39 that separates ':' from 'a'.
  return 48 + nibble + (((9 - nibble) >> 31) & 39);
}

/**
 * Encodes bytes as lowercase hex, the only case Phase emits.
 *
 * @param bytes - The bytes to encode.
 * @returns Lowercase hex, two characters per byte.
 */
export function bytesToHex(bytes: Uint8Array): string {
  return nobleBytesToHex(bytes);
}

/**
 * Tells whether a value is hex of exactly `byteLength` bytes, without decoding it.
 *
 * @param value - Any value.
 * @param byteLength - The number of bytes the hex must encode.
 * @returns True for a string of `2 * byteLength` hex digits in either case.
 */
export function isHex(value: unknown, byteLength: number): value is string {
  if (typeof value !== 'string' || value.length !== byteLength * 2) return false;
  for (let i = 0; i < value.length; i++) if (hexNibble(value.charCodeAt(i)) < 0) return false;
  return true;
}

/**
 * Encodes bytes as standard base64 with `=` padding (libsodium `ORIGINAL`).
 *
 * @param bytes - The bytes to encode.
 * @returns Padded standard base64.
 */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const rest = bytes.length - i;
    const chunk = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += BASE64_ALPHABET.charAt((chunk >> 18) & 63) + BASE64_ALPHABET.charAt((chunk >> 12) & 63);
    out += rest > 1 ? BASE64_ALPHABET.charAt((chunk >> 6) & 63) : '=';
    out += rest > 2 ? BASE64_ALPHABET.charAt(chunk & 63) : '=';
  }
  return out;
}

/** Value of one base64 character, or -1 (outside the standard alphabet, padding included). */
function base64Value(code: number): number {
  return code < 128 ? (BASE64_VALUES[code] ?? -1) : -1;
}

/**
 * Decodes standard padded base64. Rejects whitespace, the URL-safe alphabet, missing or extra
 * padding, and non-zero bits under the padding (non-canonical encodings).
 *
 * @param text - The base64 string.
 * @returns The decoded bytes.
 * @throws {@link CryptoError} `bad_base64` for anything but canonical padded base64.
 */
export function base64ToBytes(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new CryptoError('bad_base64', 'expected padded standard base64');
  }
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let bits = 0;
  let bitCount = 0;
  let written = 0;
  for (let i = 0; i < text.length - padding; i++) {
    const value = base64Value(text.charCodeAt(i));
    if (value < 0) throw new CryptoError('bad_base64', 'expected padded standard base64');
    bits = ((bits << 6) | value) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[written++] = (bits >> bitCount) & 0xff;
    }
  }
  // RFC 4648 §3.5: the bits left under the padding must be zero for a canonical encoding.
  if ((bits & ((1 << bitCount) - 1)) !== 0) {
    throw new CryptoError('bad_base64', 'expected canonical base64 (zero padding bits)');
  }
  return out;
}

/**
 * Encodes a string as UTF-8.
 *
 * @param text - Any string; lone surrogates become U+FFFD, as `TextEncoder` specifies.
 * @returns The UTF-8 bytes.
 */
export function utf8ToBytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/**
 * Decodes UTF-8 strictly: a byte sequence that is not UTF-8 is an error, not U+FFFD.
 *
 * @param bytes - The bytes to decode.
 * @returns The decoded string.
 * @throws {@link CryptoError} `bad_utf8` when the bytes are not valid UTF-8.
 */
export function bytesToUtf8(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new CryptoError('bad_utf8', 'expected UTF-8 text');
  }
}
