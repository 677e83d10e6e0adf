import type { llm } from '@livekit/agents';
import { realtime } from '@livekit/agents-plugin-google';
import type { AudioFrame } from '@livekit/rtc-node';

/**
 * What `ResilientRealtimeSession` uses of the Google plugin's RealtimeSession (1.9.0). These members
 * are TypeScript-private but plain JavaScript properties; this interface names the ones we
 * rely on, and {@link assertPluginShape} fails loudly when an upgrade moved them.
 */
export interface PluginSession {
  options: PluginOptions;
  _chatCtx: llm.ChatContext;
  activeSession: unknown;
  sessionResumptionHandle: string | undefined;
  sessionShouldClose: { isSet: boolean; set(): void; clear(): void };
  sessionLock: { lock(): Promise<() => void> };
  currentGeneration: { _done: boolean } | undefined;
  generationPendingTurnComplete: unknown;
  pendingGenerationFut: { done: boolean } | undefined;
  pendingToolCallIds: Set<string>;
  toolCallStatuses: Map<string, { name: string }>;
  earlyCompletionPending: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: the plugin's own loosely typed messages
  onReceiveMessage(session: unknown, message: any): Promise<void>;
  closeActiveSession(): Promise<void>;
  markRestartNeeded(): void;
  markCurrentGenerationDone(keepFunctionChannelOpen?: boolean, gen?: unknown): void;
  emitError(error: Error, recoverable: boolean): void;
  buildConnectConfig(): Record<string, unknown>;
  sendClientEvent(event: ClientEvent): void;
  clearPendingToolCallIdsForResponses(responses: unknown[]): void;
  shouldBlockRealtimeInputForPendingTools(): boolean;
  handleGoAway(goAway: { timeLeft?: string }): void;
  // biome-ignore lint/suspicious/noExplicitAny: the plugin's own loosely typed messages
  handleToolCall(toolCall: any): void;
  handleToolCallCancellation(cancellation: { ids?: string[] }): void;
  // biome-ignore lint/suspicious/noExplicitAny: the plugin's own loosely typed messages
  isNewGeneration(message: any): boolean;
  // biome-ignore lint/suspicious/noExplicitAny: the plugin's own loosely typed messages
  handleServerContent(content: any): void;
  startNewGeneration(): void;
  handleInputSpeechStarted(): void;
  isNonBlockingToolBehavior(): boolean;
  getToolResultsForRealtime(
    ctx: llm.ChatContext,
    vertexai: boolean,
  ): { functionResponses: FunctionResponse[] } | undefined;
  close(): Promise<void>;
  pushAudio(frame: AudioFrame): void;
  emit(event: string, ...args: unknown[]): boolean;
}

/** The plugin's resolved options (`RealtimeModel._options`), the fields we read. */
export interface PluginOptions {
  model: string;
  apiKey?: string;
  vertexai: boolean;
  project?: string;
  location?: string;
  apiVersion?: string;
  enableAffectiveDialog?: boolean;
  proactivity?: boolean;
  httpOptions?: Record<string, unknown>;
  connOptions: { timeoutMs: number; maxRetry: number; retryIntervalMs: number };
  toolResponseScheduling?: unknown;
}

/** One entry of a `toolResponse`, as the plugin builds it. */
export interface FunctionResponse {
  id?: string;
  name?: string;
  response?: { output?: unknown; error?: unknown };
  willContinue?: boolean;
}

/** What the plugin queues for Gemini (its `sendClientEvent` argument). */
export type ClientEvent =
  | { type: 'content'; value: { turns: unknown[]; turnComplete?: boolean } }
  | {
      type: 'tool_response';
      value: { functionResponses?: { id?: string; name?: string; willContinue?: boolean }[] };
    }
  | { type: 'realtime_input'; value: Record<string, unknown> };

/** Thrown when the installed Google plugin no longer has the shape this package was built on. */
export class FrameworkShapeError extends Error {
  readonly code = 'framework_shape_changed';
  constructor(what: string) {
    super(
      `@livekit/agents-plugin-google changed: ${what}. @voice-agent/agent is built and tested ` +
        'against @livekit/agents-plugin-google 1.9.0; install that version.',
    );
    this.name = 'FrameworkShapeError';
  }
}

const METHODS = [
  'onReceiveMessage',
  'closeActiveSession',
  'markRestartNeeded',
  'markCurrentGenerationDone',
  'emitError',
  'buildConnectConfig',
  'sendClientEvent',
  'clearPendingToolCallIdsForResponses',
  'shouldBlockRealtimeInputForPendingTools',
  'handleGoAway',
  'handleToolCall',
  'handleToolCallCancellation',
  'isNonBlockingToolBehavior',
  'getToolResultsForRealtime',
  'startNewGeneration',
  'handleServerContent',
  'isNewGeneration',
  'handleInputSpeechStarted',
] as const;

type PluginSessionClass = new (
  model: realtime.RealtimeModel,
) => PluginSession & Omit<llm.RealtimeSession, keyof PluginSession>;

// The package exports only its RealtimeModel; the session class lives in the module the
// package's index loads, and importing that same file URL gives the same class.
const API_MODULE = new URL(
  './realtime/realtime_api.js',
  import.meta.resolve('@livekit/agents-plugin-google'),
).href;
const api = (await import(API_MODULE)) as {
  RealtimeModel?: unknown;
  RealtimeSession?: PluginSessionClass;
};
if (api.RealtimeModel !== realtime.RealtimeModel || typeof api.RealtimeSession !== 'function') {
  throw new FrameworkShapeError(`${API_MODULE} no longer holds RealtimeModel and RealtimeSession`);
}

/** The plugin's RealtimeSession class, typed with the members we use. */
export const PluginSessionBase: PluginSessionClass = api.RealtimeSession;

/** Checks the plugin's prototype for every method we override or call. */
export function assertPluginShape(): void {
  const proto = PluginSessionBase.prototype as unknown as Record<string, unknown>;
  for (const name of METHODS) {
    if (typeof proto[name] !== 'function') throw new FrameworkShapeError(`no method ${name}`);
  }
}

/** Checks an instance's fields right after construction. */
export function assertSessionFields(session: PluginSession): void {
  const checks: [string, boolean][] = [
    ['options', typeof session.options?.connOptions?.timeoutMs === 'number'],
    ['_chatCtx', typeof session._chatCtx?.copy === 'function'],
    ['sessionShouldClose', typeof session.sessionShouldClose?.set === 'function'],
    ['sessionLock', typeof session.sessionLock?.lock === 'function'],
    ['pendingToolCallIds', session.pendingToolCallIds instanceof Set],
  ];
  for (const [name, ok] of checks) {
    if (!ok) throw new FrameworkShapeError(`RealtimeSession.${name} is missing or changed`);
  }
}
