// @ts-check
/**
 * Every `fetch` a test makes drops an idle keep-alive connection after a few seconds. Left to the
 * defaults, the client keeps one until a second before the server's own limit (Fastify: 72 s), and a
 * test file that starts after a long one in the same Jest worker can write its first request onto a
 * connection the server is closing at that moment ("other side closed"); on a loaded machine the
 * client's idle timer runs late enough for that to happen. Closing idle connections long before the
 * server would leaves no such window.
 */
const { Agent } = require('undici');

const dispatcher = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 4_000 });
const platformFetch = globalThis.fetch;
globalThis.fetch = (input, init) => platformFetch(input, { dispatcher, ...init });
