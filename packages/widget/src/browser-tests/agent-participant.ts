import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  type RemoteParticipant,
  type RemoteTrack,
  Room,
  RoomEvent,
  type RpcInvocationData,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
} from '@livekit/rtc-node';
import { pcm16Rms, toneSamples } from '@voice-agent/testing';
import { AccessToken } from 'livekit-server-sdk';

/**
 * The agent's side of the widget–agent protocol, played with LiveKit's own Node client
 * (@livekit/rtc-node) in a room of the development server: it joins as an AGENT participant,
 * sets `lk.agent.state` and `voice-agent.model`, answers `voice-agent.declare-tools`, calls `voice-agent.tool-call`,
 * sends captions on `lk.transcription` and reads `lk.chat`.
 */
export class AgentParticipant {
  readonly room = new Room();
  readonly declarations: { version: number; tools: { name: string }[] }[] = [];
  readonly chat: string[] = [];
  #visitorLevel = 0;

  static async join(options: {
    url: string;
    apiKey: string;
    apiSecret: string;
    roomName: string;
  }): Promise<AgentParticipant> {
    const token = new AccessToken(options.apiKey, options.apiSecret, { identity: 'test-agent' });
    token.kind = 'agent';
    token.addGrant({
      roomJoin: true,
      room: options.roomName,
      agent: true,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: true,
    });
    const agent = new AgentParticipant();
    agent.room.registerTextStreamHandler('lk.chat', (reader) => {
      void reader.readAll().then((text) => agent.chat.push(text));
    });
    agent.room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind === TrackKind.KIND_AUDIO) agent.#measure(track);
    });
    await agent.room.connect(options.url, await token.toJwt(), {
      autoSubscribe: true,
      dynacast: false,
    });
    // rtc-node creates the local participant on connect; the widget declares only once the
    // agent has set lk.agent.state, which the tests do after this.
    agent.room.localParticipant?.registerRpcMethod(
      'voice-agent.declare-tools',
      async (data: RpcInvocationData) => {
        const declaration = JSON.parse(data.payload) as AgentParticipant['declarations'][number];
        agent.declarations.push(declaration);
        return JSON.stringify({ accepted: declaration.tools.map((t) => t.name), rejected: [] });
      },
    );
    return agent;
  }

  /** The loudest RMS (0..1) heard from the visitor's microphone since the last reset. */
  visitorLevel(): number {
    return this.#visitorLevel;
  }

  resetVisitorLevel(): void {
    this.#visitorLevel = 0;
  }

  /** The track sid of the visitor's microphone. */
  visitorMicrophone(): string | undefined {
    return [...(this.visitor()?.trackPublications.values() ?? [])][0]?.sid;
  }

  /** The first remote participant: the visitor's browser. */
  visitor(): RemoteParticipant | undefined {
    return [...this.room.remoteParticipants.values()][0];
  }

  setState(state: 'initializing' | 'listening' | 'thinking' | 'speaking'): Promise<void> {
    return (
      this.room.localParticipant?.setAttributes({ 'lk.agent.state': state }) ?? Promise.resolve()
    );
  }

  /** Sets `voice-agent.model`, as `@voice-agent/agent` does around a model reconnect. */
  setModelStatus(status: 'reconnecting' | 'connected' | 'failed'): Promise<void> {
    return (
      this.room.localParticipant?.setAttributes({ 'voice-agent.model': status }) ??
      Promise.resolve()
    );
  }

  /** Sets `voice-agent.end`, as `@voice-agent/agent` does just before it ends a call itself. */
  announceEnd(reason: string): Promise<void> {
    return (
      this.room.localParticipant?.setAttributes({ 'voice-agent.end': reason }) ?? Promise.resolve()
    );
  }

  /**
   * Opens one caption stream, as the Agents framework does: the agent's speech as deltas, the
   * visitor's (`transcribedTrackId` = their microphone) as whole text marked final.
   */
  async openCaption(segmentId: string, visitor?: { transcribedTrackId: string }) {
    const writer = await this.room.localParticipant?.streamText({
      topic: 'lk.transcription',
      attributes: {
        'lk.segment_id': segmentId,
        'lk.transcription_final': visitor ? 'true' : 'false',
        ...(visitor ? { 'lk.transcribed_track_id': visitor.transcribedTrackId } : {}),
      },
    });
    if (!writer) throw new Error('the agent is not connected');
    return writer;
  }

  /** Sends `chunks` as one whole caption stream (see `openCaption`). */
  async caption(
    segmentId: string,
    chunks: string[],
    visitor?: { transcribedTrackId: string },
  ): Promise<void> {
    const writer = await this.openCaption(segmentId, visitor);
    for (const chunk of chunks) await writer.write(chunk);
    await writer.close();
  }

  /** Calls a page tool the way the agent worker does. */
  callTool(name: string, args: Record<string, unknown>): Promise<string> {
    const visitor = this.visitor();
    if (!visitor?.identity || !this.room.localParticipant) throw new Error('no visitor yet');
    return this.room.localParticipant.performRpc({
      destinationIdentity: visitor.identity,
      method: 'voice-agent.tool-call',
      payload: JSON.stringify({ name, arguments: args }),
    });
  }

  /** Speaks: publishes a looping tone as the agent's microphone until the returned stop(). */
  async speakTone(frequency = 330): Promise<() => void> {
    const frame = 480; // 10 ms at 48 kHz
    const source = new AudioSource(48_000, 1);
    const track = LocalAudioTrack.createAudioTrack('agent-voice', source);
    await this.room.localParticipant?.publishTrack(
      track,
      new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }),
    );
    const samples = toneSamples({ frequency, durationMs: 1000, amplitude: 0.5 });
    let running = true;
    void (async () => {
      for (let offset = 0; running; offset += frame) {
        const data = new Int16Array(frame);
        for (let i = 0; i < frame; i++) data[i] = samples[(offset + i) % samples.length] ?? 0;
        await source.captureFrame(new AudioFrame(data, 48_000, 1, frame));
      }
    })().catch(() => undefined);
    return () => {
      running = false;
    };
  }

  async leave(): Promise<void> {
    await this.room.disconnect();
  }

  #measure(track: RemoteTrack): void {
    const reader = new AudioStream(track, 48_000, 1).getReader();
    void (async () => {
      for (;;) {
        const { done, value: frame } = await reader.read();
        if (done) return;
        this.#visitorLevel = Math.max(this.#visitorLevel, pcm16Rms(frame.data));
      }
    })().catch(() => undefined);
  }
}
