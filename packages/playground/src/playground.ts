import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GeminiLiveStandIn } from '@voice-agent/agent/testing';
import { type DevServer, type DevServerOptions, startDevServer } from '@voice-agent/devserver';
import { missingLiveKitVariables } from '@voice-agent/protocol';
import { optionsFromEnv } from '@voice-agent/server';
import { type ExampleBackend, startExampleBackend } from './backend/backend.js';
import { offlineDemoReactions } from './demo/conversation.js';
import { startWebServer, type WebServer } from './web/web-server.js';
import { spawnWorker, type WorkerProcess } from './worker/worker-process.js';

const require = createRequire(import.meta.url);
const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));

/** The example agent config: persona, a server tool, an HTTP tool, the page's client tool. */
export const AGENT_CONFIG = join(PACKAGE_DIR, 'agent', 'voice-agent.config.mjs');
/** The playground page. */
export const PUBLIC_DIR = join(PACKAGE_DIR, 'public');
/** The widget's script-tag build (`voice-agent.js` and `chunks/`). */
export const WIDGET_DIST = join(
  dirname(require.resolve('@voice-agent/widget/package.json')),
  'dist',
);

/** The agent name the playground's worker registers under and its tokens dispatch. */
export const DEFAULT_AGENT_NAME = 'voice-agent-playground';

export interface PlaygroundOptions {
  /** Environment to read (`LIVEKIT_URL`, `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`, `GOOGLE_API_KEY`, `AGENT_NAME`, …). */
  env?: NodeJS.ProcessEnv;
  /** Port of the page (and token service); default 0, a free port. */
  port?: number;
  /** When `port` is taken, use a free one. */
  fallbackToFreePort?: boolean;
  /** Receives every log line. */
  log?: (line: string) => void;
  /** Timeouts of the local dev server (tests). */
  devServer?: Pick<DevServerOptions, 'pingTimeoutSeconds' | 'departureTimeoutSeconds'>;
  /**
   * The offline demo's stand-in keeps the microphone's audio chunks it receives, for tests
   * that read them (default true); `npm start` runs for hours and turns it off.
   */
  recordModelAudio?: boolean;
}

/** The running stack. */
export interface Playground {
  /** The one URL to open. */
  url: string;
  /** True when the agent talks to the bundled Gemini Live stand-in. */
  offlineDemo: boolean;
  agentName: string;
  livekitUrl: string;
  /** The local dev server, unless `LIVEKIT_URL` pointed elsewhere. */
  devServer: DevServer | undefined;
  /** The Gemini Live stand-in, in offline demo mode. */
  standIn: GeminiLiveStandIn | undefined;
  backend: ExampleBackend;
  web: WebServer;
  worker: WorkerProcess;
  /** Stops everything; the worker and its job processes first. */
  close(): Promise<void>;
}

interface LiveKitTarget {
  url: string;
  apiKey: string;
  apiSecret: string;
  devServer?: DevServer;
}

/** LiveKit from the environment when all three variables are set, else a local dev server. */
async function liveKitFrom(
  env: NodeJS.ProcessEnv,
  devServerOptions: PlaygroundOptions['devServer'] = {},
): Promise<LiveKitTarget> {
  const { LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET } = env;
  if (LIVEKIT_URL || LIVEKIT_API_KEY || LIVEKIT_API_SECRET) {
    const missing = missingLiveKitVariables(env);
    if (missing.length > 0) {
      throw new Error(
        `set all of LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET (missing: ${missing.join(', ')})`,
      );
    }
    return {
      url: LIVEKIT_URL ?? '',
      apiKey: LIVEKIT_API_KEY ?? '',
      apiSecret: LIVEKIT_API_SECRET ?? '',
    };
  }
  // Fresh keys per run: nothing else on this machine can mint tokens for this server.
  const apiKey = 'playground';
  const apiSecret = randomBytes(32).toString('hex');
  const devServer = await startDevServer({
    port: 0,
    host: '127.0.0.1',
    keys: { [apiKey]: apiSecret },
    ...devServerOptions,
  });
  return { url: devServer.url, apiKey, apiSecret, devServer };
}

/**
 * Starts the whole stack on loopback: the dev server (unless `LIVEKIT_URL` is set), the
 * Gemini Live stand-in with the offline demo (unless `GOOGLE_API_KEY` is set), the example
 * backend, the agent worker (a child process) and the page with the token service. Resolves
 * once the worker has registered. On failure everything already started is stopped.
 */
export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const agentName = env.AGENT_NAME || DEFAULT_AGENT_NAME;
  const offlineDemo =
    !env.GOOGLE_API_KEY && !/^(1|true)$/i.test(env.GOOGLE_GENAI_USE_VERTEXAI ?? '');
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const livekit = await liveKitFrom(env, options.devServer);
    if (livekit.devServer) stops.push(() => livekit.devServer?.close() ?? Promise.resolve());
    log(
      livekit.devServer
        ? `dev server (LiveKit-compatible) on ${livekit.url}`
        : `using the LiveKit server at ${livekit.url}`,
    );

    let standIn: GeminiLiveStandIn | undefined;
    if (offlineDemo) {
      const started = await GeminiLiveStandIn.start({ recordAudio: options.recordModelAudio });
      for (const reaction of offlineDemoReactions()) started.react(reaction);
      standIn = started;
      stops.push(() => started.close());
      log(
        `OFFLINE DEMO MODE: no GOOGLE_API_KEY, the agent talks to the bundled Gemini Live stand-in on ${started.baseUrl}`,
      );
    } else {
      log('GOOGLE_API_KEY is set: the agent talks to Gemini');
    }

    const toolSecret = randomBytes(32).toString('hex');
    const backend = await startExampleBackend(toolSecret);
    stops.push(() => backend.close());
    log(`example backend (HTTP tools book_table, order_status) on ${backend.url}`);

    const worker = spawnWorker({
      config: AGENT_CONFIG,
      env: {
        LIVEKIT_URL: livekit.url,
        LIVEKIT_API_KEY: livekit.apiKey,
        LIVEKIT_API_SECRET: livekit.apiSecret,
        AGENT_NAME: agentName,
        VOICE_AGENT_TOOL_SECRET: toolSecret,
        PLAYGROUND_BACKEND_URL: backend.url,
        ...passGoogle(env),
        ...(standIn
          ? { GOOGLE_API_KEY: 'offline-demo', GOOGLE_GEMINI_BASE_URL: standIn.baseUrl }
          : {}),
      },
      onLine: (line) => log(`[agent] ${line}`),
    });
    stops.push(() => worker.stop());

    // Parsed as the token service's CLI does: pages served elsewhere, such as the examples'.
    const allowedOrigins =
      optionsFromEnv({ ALLOWED_ORIGINS: env.ALLOWED_ORIGINS }).allowedOrigins ?? [];
    const web = await startWebServer({
      publicDir: PUBLIC_DIR,
      widgetDir: WIDGET_DIST,
      livekitUrl: livekit.url,
      apiKey: livekit.apiKey,
      apiSecret: livekit.apiSecret,
      settings: { offlineDemo, agentName },
      // The example site's login: its cookie tells the token service who the visitor is.
      authorize: backend.accounts.authorize,
      siteRoutes: (request, response, path) => backend.accounts.handle(request, response, path),
      allowedOrigins,
      ...(options.port === undefined ? {} : { port: options.port }),
      fallbackToFreePort: options.fallbackToFreePort ?? false,
    });
    stops.push(() => web.close());
    log(
      `token service on ${web.url}token (allows ${[web.url.slice(0, -1), ...allowedOrigins].join(', ')})`,
    );

    await worker.registered;
    log(`agent worker registered as "${agentName}"`);
    return {
      url: web.url,
      offlineDemo,
      agentName,
      livekitUrl: livekit.url,
      devServer: livekit.devServer,
      standIn,
      backend,
      web,
      worker,
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The Google variables the worker needs to reach Gemini (or Vertex AI) itself. */
function passGoogle(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = [
    'GOOGLE_API_KEY',
    'GOOGLE_GENAI_USE_VERTEXAI',
    'GOOGLE_CLOUD_PROJECT',
    'GOOGLE_CLOUD_LOCATION',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'GOOGLE_GEMINI_BASE_URL',
  ];
  const passed: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value) passed[name] = value;
  }
  return passed;
}
