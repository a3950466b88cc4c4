/**
 * The two failures the crypto module can raise.
 *
 * - {@link CryptoError}: the input was malformed or did not authenticate. It always names a
 *   {@link CryptoErrorReason}; the message describes the shape that was expected and never
 *   repeats the input, so it is safe to log. The HTTP layer answers it with 400 invalid_request.
 * - {@link KmsConfigError}: the server's own configuration (a Worker secret) is missing or
 *   malformed. The message names the variable and never its value. The HTTP layer answers it
 *   with a 500 and logs it as an invariant break.
 *
 * Anything else escaping this module is a bug: byte inputs are checked up front with
 * {@link assertBytes}, and noble's TypeError/RangeError/Error are caught at each call site through
 * {@link guardCrypto} and re-raised as a CryptoError.
 */

/** Every reason a CryptoError can carry. Closed: the HTTP layer may switch on it exhaustively. */
export type CryptoErrorReason =
  /** A string that should be hex has an odd length or a non-hex character. */
  | 'bad_hex'
  /** A string that should be standard padded base64 is not canonical base64. */
  | 'bad_base64'
  /** Bytes that should be UTF-8 are not. */
  | 'bad_utf8'
  /** A key, nonce, share or blob has the wrong number of bytes. */
  | 'bad_length'
  /** A structured string (envelope, token, keyring JSON, binding) has the wrong shape. */
  | 'bad_format'
  /** An Ed25519 public key does not decode to a curve point. */
  | 'invalid_point'
  /** A public key of small order (or outside the prime-order subgroup): no shared secret. */
  | 'low_order_point'
  /** AEAD authentication failed: wrong key, tampered bytes or a moved envelope. */
  | 'decrypt_failed'
  /** A public key does not belong to the secret key presented with it. */
  | 'key_mismatch'
  /** A KMS envelope names a root-key version the configured list does not hold. */
  | 'unknown_key_version';

/** Malformed or unauthentic input to a crypto operation. Maps to 400 invalid_request. */
export class CryptoError extends Error {
  /** Machine-readable cause, for logs and tests; never shown to clients verbatim. */
  readonly reason: CryptoErrorReason;

  /**
   * @param reason - The closed-set cause.
   * @param message - A description of the expected shape; must never contain the input.
   */
  constructor(reason: CryptoErrorReason, message: string = reason) {
    super(message);
    this.name = 'CryptoError';
    this.reason = reason;
  }
}

/** A server secret binding is missing or malformed. Maps to 500; names the variable only. */
export class KmsConfigError extends Error {
  /** The environment variable at fault, e.g. `KMS_ROOT_KEYS` or `SERVER_SECRET`. */
  readonly variable: string;

  /**
   * @param variable - Name of the Worker secret binding.
   * @param problem - What is wrong with it, phrased without quoting any part of its value.
   */
  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'KmsConfigError';
    this.variable = variable;
  }
}

/**
 * Runs a noble call and turns anything it throws into a CryptoError with the given reason.
 * noble signals bad lengths with RangeError, bad types with TypeError and bad points or tags
 * with plain Error; none of those may reach the HTTP layer, where they would become a 500.
 * A CryptoError raised inside `operation` passes through unchanged.
 *
 * @param reason - The reason to report when `operation` throws something else.
 * @param operation - The call to guard.
 * @returns Whatever `operation` returns.
 * @throws {@link CryptoError} when `operation` throws.
 */
export function guardCrypto<T>(reason: CryptoErrorReason, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw new CryptoError(reason);
  }
}

/**
 * Checks that a value is a Uint8Array of an exact length.
 *
 * @param value - The bytes to check.
 * @param length - The exact length required.
 * @param label - What the bytes are, for the error message.
 * @throws {@link CryptoError} `bad_length` otherwise.
 */
export function assertBytes(value: Uint8Array, length: number, label: string): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new CryptoError('bad_length', `expected ${label} of ${length} bytes`);
  }
}
