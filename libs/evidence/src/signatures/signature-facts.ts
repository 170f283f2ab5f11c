/** What evidence says about its signature (API.md: `signed`, `signatureVerified`, `signer`). */
export interface SignatureFacts {
  /** A signature is present. */
  signed: boolean;
  /** true: verified; false: verification failed; null: no key could be had to verify it. */
  signatureVerified: boolean | null;
  /** Key id, or certificate identity and issuer. */
  signer: string | null;
}
