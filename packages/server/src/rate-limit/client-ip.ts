import type { Context } from 'hono';
import type { TrustProxyOptions } from '../config/options.js';

/** The connection details each runtime hands to `app.fetch` as its second argument. */
interface RuntimeBindings {
  /** @hono/node-server */
  incoming?: { socket?: { remoteAddress?: string } };
  /** Bun's `Server`. */
  requestIP?: (request: Request) => { address: string } | null;
  /** Deno's `ServeHandlerInfo`. */
  remoteAddr?: { hostname?: string };
}

/**
 * The client address: from the trusted proxy header when configured, otherwise from the
 * runtime's connection (Node, Bun, Deno). `undefined` when the runtime does not say
 * (Cloudflare Workers: configure `trustProxy: { header: 'cf-connecting-ip' }`).
 * Not Hono's `getConnInfo`: that is one import per runtime, and this one service runs on all.
 */
export function clientIp(
  c: Context,
  trustProxy: Required<TrustProxyOptions> | undefined,
): string | undefined {
  if (trustProxy) {
    const entries = (c.req.header(trustProxy.header) ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const entry = entries[entries.length - trustProxy.proxies] ?? entries[0];
    return entry ? normalizeIp(entry) : undefined;
  }
  const bindings = c.env as RuntimeBindings | undefined;
  const address =
    bindings?.incoming?.socket?.remoteAddress ??
    (typeof bindings?.requestIP === 'function'
      ? (bindings.requestIP(c.req.raw)?.address ?? undefined)
      : undefined) ??
    bindings?.remoteAddr?.hostname;
  return address ? normalizeIp(address) : undefined;
}

/**
 * The rate-limit key of an address: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its
 * /64 network, since one subscriber usually holds a whole /64 and could rotate through it.
 */
export function normalizeIp(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  if (!bare.includes(':')) return bare;
  const [head = '', tail = ''] = bare.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = bare.includes('::') && tail ? tail.split(':') : [];
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  const network = groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ''));
  return `${network.join(':')}::/64`;
}
