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
  ResumeTicketOptions,
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
export { MemoryResumeTicketStore, type ResumeTicketStore } from './resume/ticket-store.js';
export {
  createTokenService,
  type ResumeTicketFields,
  type TokenResponseBody,
} from './service/service.js';
export {
  CLAIM_NAME_PATTERN,
  MAX_CLAIM_LENGTH,
  MAX_VISITOR_CLAIMS,
  MAX_VISITOR_FIELD_LENGTH,
  VISITOR_ATTRIBUTE,
  type Visitor,
  type VisitorClaim,
} from './visitor/visitor.js';
