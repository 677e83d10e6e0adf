import { llm } from '@livekit/agents';
import type { z } from 'zod';
import { unknownPlaceholders } from '../visitor/persona.js';
import {
  type ClientToolsConfig,
  type ClientToolsInput,
  type ContextWindowCompressionInput,
  type HttpToolConfig,
  type HttpToolInput,
  jsonConfigSchema,
  TOOL_NAME_PATTERN,
} from './schema.js';

/** The newest Gemini API native-audio Live model the Google plugin knows (and its default). */
export const DEFAULT_MODEL = 'gemini-2.5-flash-native-audio-preview-12-2025';
/** The native-audio Live model used on Vertex AI when the config names none. */
export const DEFAULT_VERTEX_MODEL = 'gemini-live-2.5-flash-native-audio';
/** Default prebuilt voice. */
export const DEFAULT_VOICE = 'Puck';
/** How long the agent waits for a dropped visitor to come back, in seconds. */
export const DEFAULT_RECONNECT_GRACE_SECONDS = 30;

/** Server tools: the framework's own tools (`llm.tool({ name, ... })`) or a name → tool map. */
export type ServerTools = llm.ToolContextLike;

/** The host's agent configuration, as written in `voice-agent.config.ts` or `.json`. */
export interface AgentConfigInput {
  /**
   * The persona: system instructions for the model. May hold `{{visitor.name}}`,
   * `{{visitor.id}}` and `{{visitor.claims.NAME}}`, each with an optional fallback for
   * anonymous visitors (`{{visitor.name | the visitor}}`); values go in as quoted data.
   */
  instructions: string;
  /** Gemini Live model; defaults to {@link DEFAULT_MODEL}. */
  model?: string;
  /** Prebuilt voice name (e.g. `Puck`, `Kore`); defaults to {@link DEFAULT_VOICE}. */
  voice?: string;
  /** Sampling temperature, 0–2; the model's default when omitted. */
  temperature?: number;
  /** BCP-47 language code for speech, e.g. `en-US`. */
  language?: string;
  /** Something the agent says first, as soon as the session starts; placeholders as above. */
  greeting?: string;
  /** Transcribe both sides (captions on `lk.transcription`); default true. */
  transcription?: boolean;
  /**
   * Gemini's context window compression, so a conversation outlives the 15-minute audio
   * session cap: `true` (default), `false`, or `{ triggerTokens, targetTokens }`.
   */
  contextWindowCompression?: ContextWindowCompressionInput;
  /**
   * Seconds the agent waits for a visitor whose connection dropped (not a hang-up) to come
   * back to the room before it ends the session; 0–600, default
   * {@link DEFAULT_RECONNECT_GRACE_SECONDS}.
   */
  reconnectGraceSeconds?: number;
  tools?: {
    /** TypeScript functions, made with the framework's `llm.tool()` (config modules only). */
    server?: ServerTools;
    /** Signed HTTP calls to the host's backend. */
    http?: HttpToolInput[];
  };
  /** Which browser-side tools the widget may declare; none when omitted. */
  clientTools?: ClientToolsInput;
}

/** A validated configuration with every default applied. */
export interface AgentConfig {
  instructions: string;
  model: string;
  voice: string;
  temperature: number | undefined;
  language: string | undefined;
  greeting: string | undefined;
  transcription: boolean;
  contextWindowCompression: ContextWindowCompressionInput;
  reconnectGraceSeconds: number;
  serverTools: llm.ToolContext;
  httpTools: HttpToolConfig[];
  clientTools: ClientToolsConfig;
}

/** One problem in a configuration: the field's path and what is wrong with it. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Thrown when a configuration is invalid; `code` is stable, the message names every field. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(
    readonly issues: ConfigIssue[],
    source = 'config',
  ) {
    super(
      `Invalid voice agent ${source}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Types a configuration module's default export. Validation happens when the worker loads it.
 * @example
 * ```ts
 * export default defineAgentConfig({ instructions: 'You are a helpful concierge.' });
 * ```
 */
export function defineAgentConfig(config: AgentConfigInput): AgentConfigInput {
  return config;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    'config',
  );
}

function issuesOf(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

function serverToolContext(tools: unknown, issues: ConfigIssue[]): llm.ToolContext {
  if (tools === undefined) return llm.ToolContext.empty();
  try {
    const ctx = llm.toToolContext(tools as ServerTools);
    for (const name of Object.keys(ctx.functionTools)) {
      if (!TOOL_NAME_PATTERN.test(name)) {
        issues.push({
          path: `config.tools.server.${name}`,
          message: 'tool name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$',
        });
      }
    }
    return ctx;
  } catch (error) {
    issues.push({
      path: 'config.tools.server',
      message: `must be tools made with llm.tool(): ${(error as Error).message}`,
    });
    return llm.ToolContext.empty();
  }
}

/**
 * Validates a configuration (from a module or parsed JSON) and applies the defaults.
 * @throws {ConfigError} naming every invalid field.
 */
export function resolveAgentConfig(input: unknown, source = 'config'): AgentConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError([{ path: 'config', message: 'must be an object' }], source);
  }
  const { tools, ...rest } = input as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  let serverTools: unknown;
  let dataTools: unknown = tools;
  if (typeof tools === 'object' && tools !== null && !Array.isArray(tools)) {
    ({ server: serverTools, ...dataTools } = tools as Record<string, unknown>);
  }
  const parsed = jsonConfigSchema.safeParse({
    ...rest,
    ...(dataTools === undefined ? {} : { tools: dataTools }),
  });
  if (!parsed.success) issues.push(...issuesOf(parsed.error));
  const serverToolCtx = serverToolContext(serverTools, issues);
  const httpTools = parsed.data?.tools?.http ?? [];
  const names = new Set(Object.keys(serverToolCtx.functionTools));
  httpTools.forEach((tool, index) => {
    if (names.has(tool.name)) {
      issues.push({
        path: `config.tools.http[${index}].name`,
        message: `"${tool.name}" is already the name of another tool`,
      });
    }
    names.add(tool.name);
  });
  for (const field of ['instructions', 'greeting'] as const) {
    for (const placeholder of unknownPlaceholders(parsed.data?.[field] ?? '')) {
      issues.push({
        path: `config.${field}`,
        message: `unknown placeholder ${placeholder}: use {{visitor.id}}, {{visitor.name}} or {{visitor.claims.NAME}}, with an optional "| fallback"`,
      });
    }
  }
  if (issues.length > 0 || !parsed.data) throw new ConfigError(issues, source);
  const data = parsed.data;
  return {
    instructions: data.instructions,
    model: data.model ?? DEFAULT_MODEL,
    voice: data.voice ?? DEFAULT_VOICE,
    temperature: data.temperature,
    language: data.language,
    greeting: data.greeting,
    transcription: data.transcription ?? true,
    contextWindowCompression: data.contextWindowCompression ?? true,
    reconnectGraceSeconds: data.reconnectGraceSeconds ?? DEFAULT_RECONNECT_GRACE_SECONDS,
    serverTools: serverToolCtx,
    httpTools,
    clientTools: data.clientTools ?? { enabled: false, timeoutMs: 10_000 },
  };
}
