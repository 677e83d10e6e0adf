import { DEFAULT_AGENT_NAME } from '@voice-agent/protocol';
import { TokenServiceConfigError } from '../errors/errors.js';
import { parseOriginPatterns } from '../origins/origins.js';
import { MemoryRateLimitStore, type RateLimitStore } from '../rate-limit/store.js';
import { MemoryResumeTicketStore, type ResumeTicketStore } from '../resume/ticket-store.js';
import type { AuthorizeHook, TokenServiceOptions, TrustProxyOptions } from './options.js';

/** The agent dispatched when neither `agentNames` nor `AGENT_NAME` is set. */
export { DEFAULT_AGENT_NAME };

/** Loopback development origins: the allow-list when none is configured. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = Object.freeze([
  'http://localhost:*',
  'http://127.0.0.1:*',
  'http://[::1]:*',
]);

/** Longest token lifetime the service will sign, in seconds. */
export const MAX_TOKEN_TTL_SECONDS = 3600;
const MIN_TOKEN_TTL_SECONDS = 30;

const defaults = {
  allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
  agentNames: [DEFAULT_AGENT_NAME],
  tokenTtlSeconds: 600,
  rateLimit: { perMinute: 30 },
  resumeTickets: { ttlSeconds: 300 },
  maxBodyBytes: 16 * 1024,
  timeoutMs: 10_000,
} satisfies TokenServiceOptions;

/** Options after defaults and validation: what the service runs with. */
export interface ResolvedConfig {
  livekitUrl: string;
  apiKey: string;
  apiSecret: string;
  originMatcher: (origin: string) => boolean;
  anyOrigin: boolean;
  agentNames: readonly string[];
  tokenTtlSeconds: number;
  rateLimit: { perMinute: number; store: RateLimitStore } | undefined;
  resumeTickets: { ttlSeconds: number; store: ResumeTicketStore } | undefined;
  trustProxy: Required<TrustProxyOptions> | undefined;
  maxBodyBytes: number;
  timeoutMs: number;
  authorize: AuthorizeHook | undefined;
  onError: (error: unknown) => void;
}

/**
 * Reads the service's options from environment variables (`LIVEKIT_URL`, `LIVEKIT_API_KEY`,
 * `LIVEKIT_API_SECRET`, `ALLOWED_ORIGINS`, `AGENT_NAME`, `TOKEN_TTL`, `RATE_LIMIT_PER_MINUTE`,
 * `TRUST_PROXY_HEADER`, `RESUME_TICKET_TTL`). Unset or empty variables are left out so defaults apply.
 * @throws {TokenServiceConfigError} when a numeric variable is not a whole number.
 */
export function optionsFromEnv(env: Record<string, string | undefined>): TokenServiceOptions {
  const options: TokenServiceOptions = {};
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const list = (name: string) =>
    text(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const integer = (name: string) => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) {
      throw new TokenServiceConfigError(`${name} must be a whole number, got "${value}"`);
    }
    return Number(value);
  };
  const livekitUrl = text('LIVEKIT_URL');
  if (livekitUrl) options.livekitUrl = livekitUrl;
  const apiKey = text('LIVEKIT_API_KEY');
  if (apiKey) options.apiKey = apiKey;
  const apiSecret = text('LIVEKIT_API_SECRET');
  if (apiSecret) options.apiSecret = apiSecret;
  const allowedOrigins = list('ALLOWED_ORIGINS');
  if (allowedOrigins) options.allowedOrigins = allowedOrigins;
  const agentNames = list('AGENT_NAME');
  if (agentNames) options.agentNames = agentNames;
  const tokenTtlSeconds = integer('TOKEN_TTL');
  if (tokenTtlSeconds !== undefined) options.tokenTtlSeconds = tokenTtlSeconds;
  const perMinute = integer('RATE_LIMIT_PER_MINUTE');
  if (perMinute !== undefined) options.rateLimit = perMinute === 0 ? false : { perMinute };
  const ticketTtl = integer('RESUME_TICKET_TTL');
  if (ticketTtl !== undefined) {
    options.resumeTickets = ticketTtl === 0 ? false : { ttlSeconds: ticketTtl };
  }
  const trustProxyHeader = text('TRUST_PROXY_HEADER');
  if (trustProxyHeader) options.trustProxy = { header: trustProxyHeader };
  return options;
}

/** The process environment where the runtime has one (Node, Bun, Deno, Workers with nodejs_compat). */
function runtimeEnv(): Record<string, string | undefined> {
  return (
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
  );
}

/** Fills unset options from the environment and the defaults, and checks every value. */
export function resolveConfig(options: TokenServiceOptions = {}): ResolvedConfig {
  const given = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as TokenServiceOptions;
  const merged: TokenServiceOptions = { ...optionsFromEnv(runtimeEnv()), ...given };

  const required = (value: string | undefined, option: string, variable: string) => {
    if (!value) {
      throw new TokenServiceConfigError(`${variable} is not set (option \`${option}\`)`);
    }
    return value;
  };
  const livekitUrl = required(merged.livekitUrl, 'livekitUrl', 'LIVEKIT_URL');
  if (!/^(wss?|https?):\/\/[^/\s]+/.test(livekitUrl)) {
    throw new TokenServiceConfigError(
      `LIVEKIT_URL must be a ws://, wss://, http:// or https:// URL, got "${livekitUrl}"`,
    );
  }
  const apiKey = required(merged.apiKey, 'apiKey', 'LIVEKIT_API_KEY');
  const apiSecret = required(merged.apiSecret, 'apiSecret', 'LIVEKIT_API_SECRET');

  const origins = parseOriginPatterns(merged.allowedOrigins ?? defaults.allowedOrigins);
  const agentNames = merged.agentNames?.length ? merged.agentNames : defaults.agentNames;
  const tokenTtlSeconds = merged.tokenTtlSeconds ?? defaults.tokenTtlSeconds;
  checkInteger(
    tokenTtlSeconds,
    'tokenTtlSeconds (TOKEN_TTL)',
    MIN_TOKEN_TTL_SECONDS,
    MAX_TOKEN_TTL_SECONDS,
  );
  const maxBodyBytes = merged.maxBodyBytes ?? defaults.maxBodyBytes;
  checkInteger(maxBodyBytes, 'maxBodyBytes', 2, 1024 * 1024);
  const timeoutMs = merged.timeoutMs ?? defaults.timeoutMs;
  checkInteger(timeoutMs, 'timeoutMs', 1, 120_000);

  let rateLimit: ResolvedConfig['rateLimit'];
  if (merged.rateLimit !== false) {
    const perMinute = merged.rateLimit?.perMinute ?? defaults.rateLimit.perMinute;
    checkInteger(
      perMinute,
      'rateLimit.perMinute (RATE_LIMIT_PER_MINUTE)',
      1,
      Number.MAX_SAFE_INTEGER,
    );
    rateLimit = { perMinute, store: merged.rateLimit?.store ?? new MemoryRateLimitStore() };
  }

  let resumeTickets: ResolvedConfig['resumeTickets'];
  if (merged.resumeTickets !== false) {
    const ttlSeconds = merged.resumeTickets?.ttlSeconds ?? defaults.resumeTickets.ttlSeconds;
    checkInteger(ttlSeconds, 'resumeTickets.ttlSeconds (RESUME_TICKET_TTL)', 30, 3600);
    resumeTickets = {
      ttlSeconds,
      store: merged.resumeTickets?.store ?? new MemoryResumeTicketStore(),
    };
  }

  let trustProxy: ResolvedConfig['trustProxy'];
  if (merged.trustProxy) {
    const proxies = merged.trustProxy.proxies ?? 1;
    checkInteger(proxies, 'trustProxy.proxies', 1, 32);
    trustProxy = { header: merged.trustProxy.header.toLowerCase(), proxies };
  }

  return {
    livekitUrl,
    apiKey,
    apiSecret,
    originMatcher: origins.matches,
    anyOrigin: origins.any,
    agentNames,
    tokenTtlSeconds,
    rateLimit,
    resumeTickets,
    trustProxy,
    maxBodyBytes,
    timeoutMs,
    authorize: merged.authorize,
    onError:
      merged.onError ?? ((error) => console.error('voice-agent-server: internal error', error)),
  };
}

function checkInteger(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TokenServiceConfigError(
      `${name} must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
}
