import { GoogleGenAI, type LiveServerMessage, type Session } from '@google/genai';
import {
  FrameworkShapeError,
  type PluginOptions,
  type PluginSession,
} from '../framework/google-plugin.js';
import { withinTimeLimit } from '../time-limit.js';
import type { ResilienceOptions } from './policy.js';
import { clientOptionsOf } from './wire.js';

/** Why a connection attempt or a live connection ended. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** A connection attempt that did not reach `setupComplete`. */
export class ConnectError extends Error {
  constructor(
    message: string,
    readonly close: CloseInfo | undefined,
  ) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** What `openConnection` needs: the client's options and the time limits. */
export interface ConnectionOptions {
  clientOptions: ConstructorParameters<typeof GoogleGenAI>[0];
  model: string;
  config: Record<string, unknown>;
  /** Open and `setupComplete` within this time, or the attempt fails. */
  connectTimeoutMs: number;
  /** A WebSocket ping this often; no pong before the next one closes the connection. */
  pingIntervalMs: number;
}

/** Where an adopted connection delivers what the server sends. */
export interface ConnectionHandlers {
  onMessage(message: LiveServerMessage): void;
  onClose(close: CloseInfo): void;
}

/** The `ws` socket under @google/genai's NodeWebSocket (2.x). */
interface RawSocket {
  readyState: number;
  ping(): void;
  terminate(): void;
  on(event: 'pong', listener: () => void): void;
}

interface FactoryConnection {
  ws?: RawSocket;
  close(): void;
}

interface WebSocketFactory {
  create(url: string, headers: Record<string, string>, callbacks: unknown): FactoryConnection;
}

/** One Gemini Live WebSocket, set up and watched. */
export interface GeminiConnection {
  session: Session;
  /** True while the socket is open. */
  readonly open: boolean;
  /** Resolves when the socket has closed, for whatever reason. */
  readonly closed: Promise<CloseInfo>;
  /** Delivers the messages held since setup, then every new one, and the close. */
  start(handlers: ConnectionHandlers): void;
  close(): void;
}

const OPEN = 1;

/**
 * Opens one connection through @google/genai. Unlike a bare `live.connect()`, this gives up
 * after `connectTimeoutMs` (the SDK waits for open and `setupComplete` forever), fails as
 * soon as the socket closes during setup (a refused upgrade, a refused handle), and closes a
 * connection that stops answering pings.
 */
export async function openConnection(options: ConnectionOptions): Promise<GeminiConnection> {
  const client = new GoogleGenAI(options.clientOptions);
  const live = client.live as unknown as { webSocketFactory?: WebSocketFactory };
  const factory = live.webSocketFactory;
  if (typeof factory?.create !== 'function') {
    throw new FrameworkShapeError('@google/genai Live has no webSocketFactory');
  }
  let raw: FactoryConnection | undefined;
  live.webSocketFactory = {
    create(url, headers, callbacks) {
      raw = factory.create.call(factory, url, headers, callbacks);
      return raw;
    },
  };
  let resolveClosed: (close: CloseInfo) => void = () => undefined;
  const closed = new Promise<CloseInfo>((resolve) => {
    resolveClosed = resolve;
  });
  let closeInfo: CloseInfo | undefined;
  // Held until the session adopts the connection: the SDK hands over messages that came
  // with setupComplete before connect() even returns.
  const held: LiveServerMessage[] = [];
  let handlers: ConnectionHandlers | undefined;
  const connecting = client.live.connect({
    model: options.model,
    config: options.config,
    callbacks: {
      onmessage: (message) => {
        if (handlers) handlers.onMessage(message);
        else held.push(message);
      },
      onerror: () => undefined,
      onclose: (event: { code: number; reason: string }) => {
        closeInfo ??= { code: event.code, reason: String(event.reason ?? '') };
        resolveClosed(closeInfo);
        handlers?.onClose(closeInfo);
      },
    },
  });
  const closedDuringSetup = closed.then((close): never => {
    throw new ConnectError(`closed during setup (${close.code} ${close.reason})`, close);
  });
  let session: Session;
  try {
    session = await withinTimeLimit(
      Promise.race([connecting, closedDuringSetup]),
      options.connectTimeoutMs,
      () => new ConnectError(`no setupComplete within ${options.connectTimeoutMs} ms`, undefined),
    );
  } catch (error) {
    connecting.then((late) => late.close()).catch(() => undefined);
    try {
      raw?.close();
    } catch {
      // not connected yet: nothing to close
    }
    throw error;
  }
  const socket = raw?.ws;
  if (!socket || typeof socket.ping !== 'function') {
    session.close();
    throw new FrameworkShapeError('@google/genai NodeWebSocket has no ws socket');
  }
  const watchdog = watchPings(socket, options.pingIntervalMs);
  void closed.then(() => clearInterval(watchdog));
  return {
    session,
    get open() {
      return socket.readyState === OPEN;
    },
    closed,
    start(next) {
      handlers = next;
      for (const message of held.splice(0)) next.onMessage(message);
      if (closeInfo) next.onClose(closeInfo);
    },
    close() {
      clearInterval(watchdog);
      try {
        session.close();
      } catch {
        socket.terminate();
      }
    },
  };
}

/** Opens a connection with the plugin session's own setup, resuming with `handle` if given. */
export function openSessionConnection(
  session: Pick<PluginSession, 'buildConnectConfig'> & { options: PluginOptions },
  handle: string | undefined,
  limits: Pick<ResilienceOptions, 'connectTimeoutMs' | 'pingIntervalMs'>,
): Promise<GeminiConnection> {
  const config = session.buildConnectConfig();
  config.sessionResumption = handle ? { handle } : {};
  return openConnection({
    clientOptions: clientOptionsOf(session.options),
    model: session.options.model,
    config,
    connectTimeoutMs: limits.connectTimeoutMs,
    pingIntervalMs: limits.pingIntervalMs,
  });
}

/** Pings every `intervalMs`; a socket that did not answer the previous ping is cut. */
function watchPings(socket: RawSocket, intervalMs: number): NodeJS.Timeout {
  let answered = true;
  socket.on('pong', () => {
    answered = true;
  });
  return setInterval(() => {
    if (socket.readyState !== OPEN) return;
    if (!answered) {
      socket.terminate();
      return;
    }
    answered = false;
    socket.ping();
  }, intervalMs).unref();
}
