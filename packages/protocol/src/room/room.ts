// Names in the LiveKit room that the widget and the agent share. The `lk.*` ones are the
// LiveKit Agents framework's conventions; `voice-agent.*` ones are ours.

/** Text-stream topics. */
export const TOPICS = {
  /** Captions of both sides, from the agent. */
  transcription: 'lk.transcription',
  /** Typed text, from the visitor. */
  chat: 'lk.chat',
  /** What the visitor said before the agent was there (livekit-client's pre-connect buffer). */
  preConnectAudio: 'lk.agent.pre-connect-audio-buffer',
} as const;

/** Attributes of a caption stream on {@link TOPICS}.transcription. */
export const TRANSCRIPTION_ATTRIBUTES = {
  segmentId: 'lk.segment_id',
  final: 'lk.transcription_final',
  /** The track whose speech this is: set for the visitor's words. */
  trackId: 'lk.transcribed_track_id',
} as const;

/** The agent's participant attribute holding its state (`initializing`, `listening`, ...). */
export const AGENT_STATE_ATTRIBUTE = 'lk.agent.state';

/** The agent's participant attribute saying how its connection to the model is. */
export const MODEL_STATUS_ATTRIBUTE = 'voice-agent.model';

/** The values of {@link MODEL_STATUS_ATTRIBUTE}. */
export const MODEL_STATUS = {
  /** The model connection dropped and the agent is restoring it. */
  reconnecting: 'reconnecting',
  /** The model connection is up (again). */
  connected: 'connected',
  /** The agent gave up on the model; it leaves the room. */
  failed: 'failed',
} as const;

/** One of the {@link MODEL_STATUS} values. */
export type ModelStatus = (typeof MODEL_STATUS)[keyof typeof MODEL_STATUS];

/**
 * The agent's participant attribute saying why it ends the call on its own, set just before
 * it leaves. Values: {@link END_REASON}; a widget treats any other value as a plain leave.
 */
export const END_ATTRIBUTE = 'voice-agent.end';

/** The values of {@link END_ATTRIBUTE}. */
export const END_REASON = {
  /**
   * The worker running the call died; the agent leaves. LiveKit dispatches the
   * room again (`resuming`) and a new agent goes on with the conversation.
   */
  workerLost: 'worker-lost',
  /** The worker is shutting down and the call reached its drain limit; it said goodbye. */
  drainLimit: 'drain-limit',
} as const;

/** One of the {@link END_REASON} values. */
export type EndReason = (typeof END_REASON)[keyof typeof END_REASON];

/**
 * RPC method the widget calls on the agent just before it leaves a call that its next element
 * (`persist`: a single-page app that remounts it) rejoins: the leave that follows is the
 * visitor stepping away, and the agent waits its reconnect grace period instead of ending the
 * session as for a hang-up.
 */
export const VISITOR_AWAY_METHOD = 'voice-agent.away';
