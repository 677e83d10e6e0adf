import type { GoogleGenAIOptions, Session } from '@google/genai';
import type { ClientEvent, PluginOptions, PluginSession } from '../framework/google-plugin.js';

/** The @google/genai client options the plugin builds for its own client. */
export function clientOptionsOf(options: PluginOptions): GoogleGenAIOptions {
  const apiVersion =
    !options.apiVersion && (options.enableAffectiveDialog || options.proactivity)
      ? 'v1alpha'
      : options.apiVersion;
  const httpOptions = {
    ...options.httpOptions,
    ...(apiVersion === undefined ? {} : { apiVersion }),
    timeout: options.connOptions.timeoutMs,
  };
  return options.vertexai
    ? {
        vertexai: true,
        ...(options.project === undefined ? {} : { project: options.project }),
        ...(options.location === undefined ? {} : { location: options.location }),
        httpOptions,
      }
    : { ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }), httpOptions };
}

/**
 * Sends one queued event as the plugin's send loop does. Returns false for input the plugin
 * holds back while a blocking tool call is open (Gemini takes none then).
 */
export function sendEvent(plugin: PluginSession, session: Session, event: ClientEvent): boolean {
  switch (event.type) {
    case 'content': {
      const { turns, turnComplete } = event.value;
      session.sendClientContent({ turns: turns as never, turnComplete: turnComplete ?? true });
      return true;
    }
    case 'tool_response': {
      const responses = event.value.functionResponses;
      if (!responses) return false;
      try {
        session.sendToolResponse({ functionResponses: responses as never });
      } finally {
        plugin.clearPendingToolCallIdsForResponses(responses);
      }
      return true;
    }
    case 'realtime_input': {
      if (plugin.shouldBlockRealtimeInputForPendingTools()) return false;
      const { mediaChunks, audio, text, activityStart, activityEnd } = event.value as Record<
        string,
        never
      >;
      for (const media of (mediaChunks ?? []) as never[]) session.sendRealtimeInput({ media });
      if (audio) session.sendRealtimeInput({ audio });
      if (text) session.sendRealtimeInput({ text });
      if (activityStart) session.sendRealtimeInput({ activityStart });
      if (activityEnd) session.sendRealtimeInput({ activityEnd });
      return true;
    }
  }
}
