/** Bodies serialised once, by the body they were made from. */
const serialised = new WeakMap<object, string>();

/**
 * Marks a response body that many requests share and that never changes once made (a cached
 * document such as the catalogue): it is serialised the first time it is answered and the same
 * bytes are sent every time after. The value must not be changed afterwards.
 */
export function serialiseOnce<T extends object>(body: T): T {
  if (!serialised.has(body)) serialised.set(body, JSON.stringify(body));
  return body;
}

/** The HTTP processes' reply serialiser: a body marked by `serialiseOnce` as its stored bytes, any other with JSON.stringify. */
export function serialiseReply(payload: unknown): string {
  return (typeof payload === 'object' && payload !== null ? serialised.get(payload) : undefined) ?? JSON.stringify(payload);
}
