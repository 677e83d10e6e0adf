import { llm, voice, waitUntilTimeout } from '@livekit/agents';
import { type AgentConfig, DEFAULT_MODEL, DEFAULT_VERTEX_MODEL } from '../config/config.js';
import '../framework/unread-audio-branches.js';
import '../framework/idle-recognition-input.js';
import '../framework/unsubscribed-output.js';
import { contextWindowCompressionOf } from '../realtime/compression.js';
import { type ModelResilience, ResilientRealtimeModel } from '../realtime/model.js';
import { ToolCallCancellations } from '../tools/cancellation.js';
import type { ClientToolTransport } from '../tools/client-transport.js';
import { guardTool } from '../tools/guard.js';
import { createHttpTool } from '../tools/http-tool.js';
import { AgentToolSet } from '../tools/tool-set.js';
import { personaFor } from '../visitor/persona.js';
import type { Visitor, VoiceAgentUserData } from '../visitor/visitor.js';

/** Secrets and endpoints the worker reads from its environment. */
export interface AgentEnvironment {
  /** Gemini API key (`GOOGLE_API_KEY`). */
  googleApiKey?: string | undefined;
  /** Replaces Gemini's endpoint (`GOOGLE_GEMINI_BASE_URL`), e.g. a local stand-in. */
  geminiBaseUrl?: string | undefined;
  /** Shared secret that signs HTTP tool requests (`VOICE_AGENT_TOOL_SECRET`). */
  toolSecret?: string | undefined;
  /** Use Vertex AI (`GOOGLE_GENAI_USE_VERTEXAI`, with `GOOGLE_CLOUD_PROJECT`/`_LOCATION`). */
  vertexai?: boolean | undefined;
}

/** Thrown when something the configuration needs is missing from the environment. */
export class MissingEnvironmentError extends Error {
  readonly code = 'missing_env';
  constructor(readonly variable: string) {
    super(`${variable} is not set`);
    this.name = 'MissingEnvironmentError';
  }
}

/** The server and HTTP tools of a configuration, each guarded (timeouts, non-JSON results). */
export function createBaseTools(config: AgentConfig, toolSecret?: string): llm.ToolContext {
  if (config.httpTools.length > 0 && !toolSecret) {
    throw new MissingEnvironmentError('VOICE_AGENT_TOOL_SECRET');
  }
  const tools = [
    ...Object.values(config.serverTools.functionTools).map((tool) => guardTool(tool)),
    ...config.httpTools.map((tool) =>
      guardTool(createHttpTool(tool, toolSecret ?? ''), tool.timeoutMs + 1_000),
    ),
  ];
  return new llm.ToolContext(tools);
}

/**
 * The Google plugin's realtime model, set up from the configuration, with sessions that
 * survive goAway and dropped connections (`resilience` tunes them; `onStatus` hears
 * `reconnecting`, `connected` and `failed`).
 */
export function createRealtimeModel(
  config: AgentConfig,
  env: AgentEnvironment,
  resilience: ModelResilience = {},
): ResilientRealtimeModel {
  const transcription = config.transcription ? {} : null;
  const compression = contextWindowCompressionOf(config.contextWindowCompression);
  return new ResilientRealtimeModel(
    {
      model: env.vertexai && config.model === DEFAULT_MODEL ? DEFAULT_VERTEX_MODEL : config.model,
      vertexai: env.vertexai ?? false,
      voice: config.voice,
      instructions: config.instructions,
      ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
      ...(config.language === undefined ? {} : { language: config.language }),
      inputAudioTranscription: transcription,
      outputAudioTranscription: transcription,
      ...(env.googleApiKey === undefined ? {} : { apiKey: env.googleApiKey }),
      ...(env.geminiBaseUrl === undefined ? {} : { httpOptions: { baseUrl: env.geminiBaseUrl } }),
      ...(compression === undefined ? {} : { contextWindowCompression: compression }),
    },
    resilience,
  );
}

/** One visitor's conversation: the framework session, its agent and its tools. */
export interface VoiceAgentSession {
  session: voice.AgentSession;
  agent: voice.Agent;
  tools: AgentToolSet;
  /**
   * Speaks the configured greeting, if any. Call after `session.start()`. With client tools
   * enabled it first waits for the page's declaration (at most `declarationWaitMs`), so that
   * the model knows the page's tools from the first turn. A declaration that comes later is
   * answered at once; the model's connection takes the new tools at its next quiet moment,
   * never in the middle of an answer or of an unanswered request (see the realtime session).
   */
  greet(declarationWaitMs?: number): Promise<void>;
}

/** What a session is built for besides its configuration. */
export interface VoiceAgentSessionOptions {
  /**
   * The verified visitor (`null`: anonymous): it fills the persona's `{{visitor.…}}`
   * placeholders and is the session's `userData`, which tools read.
   */
  visitor?: Visitor | null;
  /** Reconnect tuning and the model-status callback of the Gemini session. */
  resilience?: ModelResilience;
}

/** How long the greeting waits for the page's first client-tool declaration. */
export const GREETING_DECLARATION_WAIT_MS = 3_000;
/** How long the greeting then waits for Gemini's connection to settle (new tools). */
const GREETING_SETTLE_LIMIT_MS = 10_000;

/**
 * Builds the AgentSession for one room: Gemini Live through the Google plugin, the
 * configured server and HTTP tools, and the tool set that takes the page's client tools.
 */
export function createVoiceAgentSession(
  configured: AgentConfig,
  env: AgentEnvironment,
  transport: ClientToolTransport,
  { visitor = null, resilience = {} }: VoiceAgentSessionOptions = {},
): VoiceAgentSession {
  const config = personaFor(configured, visitor);
  const baseTools = createBaseTools(config, env.toolSecret);
  const agent = new voice.Agent({ instructions: config.instructions, tools: baseTools });
  const userData: VoiceAgentUserData = { visitor };
  const cancellations = new ToolCallCancellations();
  const model = createRealtimeModel(config, env, {
    ...resilience,
    onToolCallsCancelled: (ids) => {
      cancellations.cancel(ids);
      resilience.onToolCallsCancelled?.(ids);
    },
  });
  const session = new voice.AgentSession({ llm: model, userData });
  const tools = new AgentToolSet({
    baseTools,
    policy: config.clientTools,
    clientTimeoutMs: config.clientTools.timeoutMs,
    transport,
    cancellations,
    apply: (next) => agent.updateTools(next),
  });
  const greet = async (declarationWaitMs = GREETING_DECLARATION_WAIT_MS) => {
    if (config.greeting === undefined) return;
    if (config.clientTools.enabled) {
      // At most `declarationWaitMs`: a page without tools is greeted all the same.
      await waitUntilTimeout(tools.firstDeclaration, declarationWaitMs).catch(() => undefined);
    }
    // The page's tools move Gemini to a new connection: the request waits for it (at most
    // as long again), since the plugin gives a reply request 5 s to start answering.
    await waitUntilTimeout(model.settled(), GREETING_SETTLE_LIMIT_MS).catch(() => undefined);
    session.generateReply({
      instructions: `Greet the visitor by saying exactly: ${JSON.stringify(config.greeting)}`,
    });
  };
  return { session, agent, tools, greet };
}
