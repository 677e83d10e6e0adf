export {
  DEFAULT_AGENT_NAME,
  DEFAULT_ALLOWED_ORIGINS,
  MAX_TOKEN_TTL_SECONDS,
  optionsFromEnv,
} from './config/config.js';
export type {
  AllowDecision,
  AuthorizeDecision,
  AuthorizeHook,
  AuthorizeRequest,
  DenyDecision,
  RateLimitOptions,
  TokenServiceOptions,
  TrustProxyOptions,
} from './config/options.js';
export {
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  TokenServiceConfigError,
} from './errors/errors.js';
export {
  MemoryRateLimitStore,
  type RateLimitCount,
  type RateLimitStore,
} from './rate-limit/store.js';
export type { AgentRequest, TokenRequestBody } from './request/request.js';
export { createTokenService, type TokenResponseBody } from './service/service.js';
