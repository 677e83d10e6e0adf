export type { ActiveJob, DispatchTimings, FailedDispatch } from './agent/dispatcher.js';
export type { WorkerSummary } from './agent/worker-pool.js';
export { type ParticipantGrant, TokenError, type TokenErrorCode } from './auth/token.js';
export { WERIFT_VERSION, WeriftFixError } from './rtc/werift-fixes.js';
export {
  DEFAULT_KEYS,
  DEFAULT_PORT,
  type DevServer,
  type DevServerOptions,
  startDevServer,
} from './server/dev-server.js';
