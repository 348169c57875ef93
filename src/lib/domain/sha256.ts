/**
 * SHA-256 of a text, synchronous, the same on the device and the server. The policy checks run
 * synchronously on the server and WebCrypto's digest is asynchronous, so the few places that
 * need a fingerprint of a small document's content (a signature of the annual follow-up names
 * the content it signed) use this, from the audited `@noble/hashes`. Photos use WebCrypto.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The hex SHA-256 of `text` as UTF-8.
 * @example sha256Text('abc') // 'ba7816bf…f20015ad'
 */
export function sha256Text(text: string): string {
	return bytesToHex(sha256(utf8ToBytes(text)));
}
