/**
 * Prints a fresh Ed25519 key pair for the internal identity token and a key encrypting webhook
 * secrets at rest, base64-encoded for an env file.
 */
import { generateIdentityKeyPair } from '@assay/shared/auth';
import { randomBytes } from 'node:crypto';

const { privateKey, publicKey } = generateIdentityKeyPair();
console.log(`INTERNAL_TOKEN_PRIVATE_KEY=${Buffer.from(privateKey).toString('base64')}`);
console.log(`INTERNAL_TOKEN_PUBLIC_KEY=${Buffer.from(publicKey).toString('base64')}`);
console.log(`WEBHOOK_SECRET_KEY=${randomBytes(32).toString('base64')}`);
