/**
 * Where Redis is, read from `REDIS_URL`:
 * - one server: `redis://[user:password@]host:port[/db]`, or `rediss://…` for TLS;
 * - a Redis Cluster: `redis+cluster://[user:password@]host:port,host:port,…` (or `rediss+cluster://…`
 *   for TLS), naming one or more of its nodes; the rest are discovered from them. A cluster has only
 *   database 0, so the form takes no path and no query.
 */
export type RedisTarget = RedisServerTarget | RedisClusterTarget;

export interface RedisServerTarget {
  mode: 'server';
  url: string;
}

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisClusterTarget {
  mode: 'cluster';
  /** The seed nodes as given, in order. */
  nodes: RedisNode[];
  tls: boolean;
  username: string | undefined;
  password: string | undefined;
}

const DEFAULT_PORT = 6379;
/** More seed nodes than this is a mistake, not a cluster (a few seeds find the rest). */
const MAX_SEED_NODES = 64;
const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?([?#].*)?$/i;
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV6 = /^\[([0-9a-f:.]+)\]$/i;

/** A `REDIS_URL` that names no usable Redis; the message never repeats the credentials. */
export class RedisUrlError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'RedisUrlError';
  }
}

function parseNode(text: string): RedisNode {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(text.trim());
  const rawHost = match?.[1] ?? '';
  const host = IPV6.exec(rawHost)?.[1] ?? rawHost;
  if (!match || !(HOST_NAME.test(host) || IPV6.test(rawHost))) {
    throw new RedisUrlError(`names a cluster node that is not host:port ("${text.trim().slice(0, 100)}")`);
  }
  const port = match[2] === undefined ? DEFAULT_PORT : Number(match[2]);
  if (port < 1 || port > 65535) throw new RedisUrlError(`names a cluster node with a port outside 1-65535 ("${text.trim()}")`);
  return { host, port };
}

function decodeCredential(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new RedisUrlError('carries credentials that are not percent-encoded correctly');
  }
}

function parseCluster(match: RegExpExecArray): RedisClusterTarget {
  const [, scheme = '', userInfo, hostList = '', path, rest] = match;
  if (path !== undefined && path !== '/' && path !== '/0') throw new RedisUrlError('names a database, but a Redis Cluster has only database 0');
  if (rest !== undefined) throw new RedisUrlError('has a query or fragment, which the redis+cluster form does not take');
  const entries = hostList.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || entries.some((entry) => entry === ''))
    throw new RedisUrlError('must name at least one cluster node as host:port, separated by commas');
  if (entries.length > MAX_SEED_NODES) throw new RedisUrlError(`names more than ${MAX_SEED_NODES} cluster nodes`);
  const nodes = entries.map(parseNode);
  const seen = new Set<string>();
  for (const node of nodes) {
    const key = `${node.host.toLowerCase()}:${node.port}`;
    if (seen.has(key)) throw new RedisUrlError(`names the cluster node ${key} twice`);
    seen.add(key);
  }
  let username: string | undefined;
  let password: string | undefined;
  if (userInfo !== undefined && userInfo !== '') {
    const colon = userInfo.indexOf(':');
    username = decodeCredential(colon === -1 ? userInfo : userInfo.slice(0, colon)) || undefined;
    password = colon === -1 ? undefined : decodeCredential(userInfo.slice(colon + 1)) || undefined;
  }
  return { mode: 'cluster', nodes, tls: scheme.toLowerCase() === 'rediss', username, password };
}

/** Reads a `REDIS_URL`; throws RedisUrlError saying what is wrong with it. */
export function parseRedisUrl(value: string): RedisTarget {
  const text = value.trim();
  const cluster = CLUSTER_URL.exec(text);
  if (cluster) return parseCluster(cluster);
  if (/^rediss?\+cluster:/i.test(text)) throw new RedisUrlError('is not a valid redis+cluster://host:port,host:port URL');
  const [, scheme = '', authority = ''] = /^(rediss?):\/\/([^/?#]*)/i.exec(text) ?? [];
  if (authority.slice(authority.lastIndexOf('@') + 1).includes(',')) {
    throw new RedisUrlError(`names several hosts: a Redis Cluster is given as ${scheme.toLowerCase()}+cluster://host:port,host:port`);
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new RedisUrlError('is not a valid URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisUrlError(`must use redis, rediss, redis+cluster or rediss+cluster (got "${parsed.protocol}")`);
  }
  return { mode: 'server', url: text };
}
