/** Prints fresh keys for an env file: the internal identity and user access token key pairs (Ed25519, base64 PEM) and the data encryption key. */
import { generateIdentityKeyPair } from '@assay/shared/auth';
import { randomBytes } from 'node:crypto';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const internal = generateIdentityKeyPair();
const access = generateIdentityKeyPair();
console.log(`INTERNAL_TOKEN_PRIVATE_KEY=${b64(internal.privateKey)}`);
console.log(`INTERNAL_TOKEN_PUBLIC_KEY=${b64(internal.publicKey)}`);
console.log(`ACCESS_TOKEN_PRIVATE_KEY=${b64(access.privateKey)}`);
console.log(`ACCESS_TOKEN_PUBLIC_KEY=${b64(access.publicKey)}`);
console.log(`DATA_ENCRYPTION_KEY=${randomBytes(32).toString('base64')}`);
