import { type llm, voice } from '@livekit/agents';
import type { AudioFrame } from '@livekit/rtc-node';
import type { AgentConfig } from '../config/config.js';
import type { JobChannelClient } from '../lifecycle/job-channel.js';

/** A tool's kind for the metrics: from the configuration, else a page (client) tool. */
export function toolKind(config: AgentConfig, name: string): 'server' | 'http' | 'client' {
  if (name in config.serverTools.functionTools) return 'server';
  if (config.httpTools.some((tool) => tool.name === name)) return 'http';
  return 'client';
}

/**
 * Reports one call's events to the worker's metrics: its start and end (failed when the
 * session closed on an error), the time to the agent's first audio, each turn's response
 * latency (the visitor stops speaking → the agent speaks), tool calls and pre-connect audio.
 */
export function reportCall(
  channel: JobChannelClient,
  session: voice.AgentSession,
  config: AgentConfig,
  preConnectFrames: Promise<AudioFrame[]>,
): void {
  const startedAt = performance.now();
  let answered = false;
  let visitorStoppedAt: number | undefined;
  const seconds = (since: number) => (performance.now() - since) / 1000;
  channel.send({ type: 'session', state: 'started' });

  session.on(voice.AgentSessionEventTypes.UserStateChanged, (event) => {
    if (event.oldState === 'speaking' && event.newState !== 'speaking') {
      visitorStoppedAt = performance.now();
    }
  });
  session.on(voice.AgentSessionEventTypes.AgentStateChanged, (event) => {
    if (event.newState !== 'speaking') return;
    if (!answered) {
      answered = true;
      channel.send({ type: 'first-answer', seconds: seconds(startedAt) });
    }
    if (visitorStoppedAt !== undefined) {
      channel.send({ type: 'response', seconds: seconds(visitorStoppedAt) });
      visitorStoppedAt = undefined;
    }
  });
  session.on(voice.AgentSessionEventTypes.FunctionToolsExecuted, (event) => {
    event.functionCalls.forEach((call: llm.FunctionCall, index: number) => {
      const output = event.functionCallOutputs[index];
      const outcome = output?.isError ? 'error' : 'ok';
      channel.send({ type: 'tool-call', kind: toolKind(config, call.name), outcome });
    });
  });
  session.on(voice.AgentSessionEventTypes.Close, (event) => {
    channel.send({ type: 'session', state: event.error ? 'failed' : 'ended' });
  });
  void preConnectFrames.then((frames) => {
    if (frames.length === 0) return;
    const total = frames.reduce(
      (sum, frame) => sum + frame.samplesPerChannel / frame.sampleRate,
      0,
    );
    channel.send({ type: 'preconnect-audio', seconds: total });
  });
}
