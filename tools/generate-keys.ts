/**
 * Prints fresh keys for an env file: the internal identity, user access token and report signing key
 * pairs (Ed25519, base64 PEM) and the data encryption key. To rotate the report signing key, put the new
 * public key first in REPORT_SIGNING_PUBLIC_KEYS and keep the old ones after it.
 */
import { generateIdentityKeyPair } from '@assay/shared/auth';
import { randomBytes } from 'node:crypto';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const internal = generateIdentityKeyPair();
const access = generateIdentityKeyPair();
const report = generateIdentityKeyPair();
console.log(`INTERNAL_TOKEN_PRIVATE_KEY=${b64(internal.privateKey)}`);
console.log(`INTERNAL_TOKEN_PUBLIC_KEY=${b64(internal.publicKey)}`);
console.log(`ACCESS_TOKEN_PRIVATE_KEY=${b64(access.privateKey)}`);
console.log(`ACCESS_TOKEN_PUBLIC_KEY=${b64(access.publicKey)}`);
console.log(`REPORT_SIGNING_PRIVATE_KEY=${b64(report.privateKey)}`);
console.log(`REPORT_SIGNING_PUBLIC_KEYS=${b64(report.publicKey)}`);
console.log(`DATA_ENCRYPTION_KEY=${randomBytes(32).toString('base64')}`);
