// Node-safe: the event modules only declare classes over the global `Event` (in Node since
// 15), so Node code (test recorders, benches) can import them without a DOM.

/**
 * The base class of every event `<voice-agent>` fires: it bubbles and crosses the shadow root
 * (`composed`), and carries its data in `detail` (as a `CustomEvent` would).
 */
export class VoiceAgentEvent<Detail = unknown> extends Event {
  /** The event's data; its shape depends on the event's type. */
  readonly detail: Detail;

  constructor(type: string, detail: Detail) {
    super(type, { bubbles: true, composed: true });
    this.detail = detail;
  }
}
