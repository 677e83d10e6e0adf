import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { Call } from '../call/call.js';
import type { CallHost } from '../call/call-host.js';
import { CallState } from '../call/call-state.js';
import { VoiceAgentError } from '../errors/errors.js';
import {
  isLanguageLoaded,
  loadLanguage,
  type MessageOverrides,
  type Messages,
  resolveMessages,
} from '../i18n/i18n.js';
import { isActive, type VoiceAgentState } from '../state/state.js';
import type { TokenCredentials, TokenHeaders } from '../token/token.js';
import { type ClientTool, PageToolRegistry } from '../tools/tools.js';
import { VERSION } from '../version.js';
import { renderPanel } from './voice-agent.panel.js';
import { styles } from './voice-agent.styles.js';

/** Where the widget sits: a corner of the viewport, or in the page's flow. */
export type VoiceAgentPosition =
  | 'bottom-right'
  | 'bottom-left'
  | 'top-right'
  | 'top-left'
  | 'inline';

/** `light`, `dark`, or `auto` (follows `prefers-color-scheme`). */
export type VoiceAgentTheme = 'light' | 'dark' | 'auto';

/** Booleans that are on unless the attribute says `"false"`. */
const onUnlessFalse = {
  fromAttribute: (value: string | null) => value !== 'false',
  toAttribute: (value: boolean) => (value ? '' : 'false'),
};

const microphoneIcon = html`<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
  <path d="M12 15a3 3 0 0 0 3-3V6a3 3 0 1 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-2.08A7 7 0 0 0 19 12h-2Z"/>
</svg>`;

/**
 * `<voice-agent>`: a voice assistant for any website. Talks to an agent over LiveKit; loads
 * the call code (livekit-client) only when the visitor shows intent.
 *
 * @tag voice-agent
 * @summary A drop-in real-time voice assistant.
 *
 * Every event is a `VoiceAgentEvent` subclass (exported): it bubbles, is composed, and
 * carries its data in `detail`.
 *
 * @fires {VoiceAgentStateEvent} voice-agent-state - `{state}` whenever the state changes.
 * @fires {VoiceAgentTranscriptEvent} voice-agent-transcript - `{role, text, final, segmentId}` for each caption update.
 * @fires {VoiceAgentToolCallEvent} voice-agent-tool-call - `{name, arguments, result}` or `{name, arguments, error}`.
 * @fires {VoiceAgentToolsEvent} voice-agent-tools - `{accepted, rejected}` when the agent answers a tool declaration.
 * @fires {VoiceAgentErrorEvent} voice-agent-error - `{code, message, retryAfterSeconds?}` on any failure.
 * @fires {VoiceAgentConnectedEvent} voice-agent-connected - `{}`: the call is connected.
 * @fires {VoiceAgentEndedEvent} voice-agent-ended - `{reason}`: `user`, `agent_left` or `error`.
 *
 * @csspart base - The wrapper of launcher and panel.
 * @csspart launcher - The round button that opens the panel and starts the call.
 * @csspart panel - The call panel.
 * @csspart header - The panel's header.
 * @csspart title - The panel's title.
 * @csspart close-button - Closes the panel (the call goes on).
 * @csspart visualizer - The level bars of the agent's voice and the microphone.
 * @csspart status - The status line (an `aria-live` region).
 * @csspart error - The error message (an alert).
 * @csspart retry-button - Starts again after an error.
 * @csspart transcript - The captions (an `aria-live` log).
 * @csspart caption - One caption; also `caption-user` or `caption-agent`.
 * @csspart text-form - The form around the text input.
 * @csspart text-input - The text field.
 * @csspart send-button - Sends the typed text.
 * @csspart controls - The row of call buttons.
 * @csspart start-button - Starts a call.
 * @csspart mic-button - Mutes and unmutes the microphone.
 * @csspart end-button - Hangs up.
 *
 * @cssprop [--voice-agent-accent=#4f46e5] - Accent colour (launcher, buttons, visitor captions).
 * @cssprop [--voice-agent-accent-foreground=#ffffff] - Text on the accent colour.
 * @cssprop [--voice-agent-background=#ffffff] - Panel background (dark: #16181d).
 * @cssprop [--voice-agent-foreground=#1f2328] - Panel text (dark: #e8eaed).
 * @cssprop [--voice-agent-muted-foreground=#57606a] - Status text (dark: #a8b0ba).
 * @cssprop [--voice-agent-border-color=#d0d7de] - Borders (dark: #3a3f47).
 * @cssprop [--voice-agent-danger=#b42318] - Errors and the end button (dark: #ff8a80).
 * @cssprop [--voice-agent-radius=16px] - Panel corner radius.
 * @cssprop [--voice-agent-font=system-ui, sans-serif] - Font family.
 * @cssprop [--voice-agent-size=56px] - Launcher diameter.
 * @cssprop [--voice-agent-panel-width=360px] - Panel width.
 * @cssprop [--voice-agent-panel-height=480px] - Panel maximum height.
 * @cssprop [--voice-agent-offset=20px] - Distance from the viewport's edges.
 * @cssprop [--voice-agent-z-index=2147483000] - Stacking order of the floating widget.
 * @cssprop [--voice-agent-shadow=0 12px 32px rgb(0 0 0 / 0.18)] - Launcher and panel shadow.
 */
export class VoiceAgentElement extends LitElement implements CallHost {
  static override styles = styles;
  /** The widget's version, so a second copy on the page can say which one is defined. */
  static readonly version = VERSION;

  /** URL of the token service (`POST`, LiveKit's endpoint format). Required. */
  @property({ attribute: 'token-url', reflect: true }) tokenUrl = '';
  /** The agent to dispatch into the room. Default: the token service's choice. */
  @property({ attribute: 'agent-name', reflect: true }) agentName = '';
  /** The visitor's display name sent to the token service. Default: none. */
  @property({ attribute: 'participant-name', reflect: true }) participantName = '';
  /**
   * Whether the token request carries the visitor's cookies (`fetch`'s `credentials`):
   * `omit`, `same-origin` (default) or `include` (also to a token service on another origin,
   * which must allow this page's origin with credentials).
   */
  @property({ attribute: 'token-credentials', reflect: true })
  tokenCredentials: TokenCredentials = 'same-origin';
  /**
   * Headers added to the token request: an object, or a function (may be async) called before
   * every request, e.g. `() => ({ 'X-CSRF-Token': csrf() })`. Default: none.
   */
  @property({ attribute: false }) tokenHeaders: TokenHeaders | undefined;
  /** `light`, `dark` or `auto` (default; follows the system). */
  @property({ reflect: true }) theme: VoiceAgentTheme = 'auto';
  /** Accent colour; any CSS colour. Overrides `--voice-agent-accent`. Default: none. */
  @property({ attribute: 'accent-color', reflect: true }) accentColor = '';
  /** Corner of the viewport, or `inline` to sit in the page's flow. Default `bottom-right`. */
  @property({ reflect: true }) position: VoiceAgentPosition = 'bottom-right';
  /** Language of the texts (`en`, `fr`, `de`). Default: the nearest `lang` in the page. */
  @property() override lang = '';
  /** Accessible name and tooltip of the launcher. Default: the language's launcher text. */
  @property({ reflect: true }) label = '';
  /** Start calls with the microphone muted. Default `false`. */
  @property({ attribute: 'start-muted', type: Boolean, reflect: true }) startMuted = false;
  /** Show live captions. Default `true`; `transcript="false"` hides them. */
  @property({ converter: onUnlessFalse, reflect: true }) transcript = true;
  /** Let the visitor type messages. Default `false`. */
  @property({ attribute: 'text-input', type: Boolean, reflect: true }) textInput = false;
  /** Whether the panel is open. Default `false` (always shown when `inline`). */
  @property({ type: Boolean, reflect: true }) open = false;
  /**
   * Milliseconds to wait for the agent to join before failing with `agent_timeout`, and for a
   * new agent after the agent's worker was lost before failing with `agent_lost`.
   */
  @property({ attribute: 'agent-timeout', type: Number, reflect: true }) agentTimeout = 20_000;
  /** Overrides of any text (see the README's i18n section). */
  @property({ attribute: false }) labels: MessageOverrides = {};

  /** The page's client tools; usable before the call code has loaded. */
  readonly tools = new PageToolRegistry();

  /** @internal What the panel shows about the call; the call code reports to it. */
  readonly call = new CallState(this);

  /** @internal Where the session puts the agent's `<audio>` element. */
  @query('.audio') readonly audioContainer!: HTMLElement | null;
  @query('[part~="visualizer"]') private readonly visualizer!: HTMLElement | null;
  @query('[part~="launcher"]') private readonly launcher!: HTMLButtonElement | null;
  @query('[part~="panel"]') private readonly panel!: HTMLElement | null;
  @query('[part~="base"]') private readonly base!: HTMLElement | null;

  #call: Call | undefined;
  #loading: Promise<Call> | undefined;
  #startPending = false;
  #mutedRequest: boolean | undefined;
  #focusedBeforeUpdate: Element | null = null;

  /** What the widget is doing now. */
  get state(): VoiceAgentState {
    return this.call.state;
  }

  /** Whether the microphone is muted. */
  get muted(): boolean {
    if (this.#call && isActive(this.state)) return this.#call.muted;
    return this.#mutedRequest ?? this.startMuted;
  }

  /**
   * Starts a call (opening the panel). Call it from a click or key press so the browser lets
   * the page play the agent's voice; it also works before the call code has loaded.
   */
  start(): Promise<void> {
    if (isActive(this.state)) return Promise.resolve();
    // Created inside the gesture: resuming it later would not be allowed on iOS Safari.
    const audioContext = new AudioContext();
    void audioContext.resume().catch(() => undefined);
    this.open = true;
    this.#startPending = true;
    this.call.setLoading(true);
    return this.#load().then(
      (call) => {
        if (!this.#startPending) {
          // end() was called while the call code was loading.
          void audioContext.close();
          return;
        }
        this.#startPending = false;
        const muted = this.#mutedRequest ?? this.startMuted;
        this.#mutedRequest = undefined;
        return call.start({ muted, audioContext });
      },
      (cause: unknown) => {
        void audioContext.close();
        this.#startPending = false;
        const error = new VoiceAgentError('load_failed', 'The call code did not load.', { cause });
        // No call began, so none ends: no voice-agent-ended.
        this.call.fail(error, { ended: false });
      },
    );
  }

  /** Hangs up; the panel stays open showing "Call ended". */
  async end(): Promise<void> {
    this.#startPending = false;
    if (this.#call) await this.#call.end();
    else this.call.end('user');
  }

  /** Mutes (`true`, the default) or unmutes the microphone; before a call, for the next one. */
  async mute(on = true): Promise<void> {
    if (this.#call && isActive(this.state)) {
      await this.#call.setMuted(on);
      return;
    }
    // No call yet: this is how the next one starts.
    this.#mutedRequest = on;
    this.requestUpdate();
  }

  /** Sends typed text to the agent. Rejects with `not_connected` when no agent is there. */
  async sendText(text: string): Promise<void> {
    const call = this.#call ?? (await this.#load());
    await call.sendText(text);
  }

  /** Registers (or replaces) a client tool. Throws `invalid_tool` for a bad definition. */
  registerTool<Args = Record<string, unknown>>(tool: ClientTool<Args>): void {
    this.tools.register(tool);
  }

  /** Removes a client tool; returns whether there was one. */
  unregisterTool(name: string): boolean {
    return this.tools.unregister(name);
  }

  /** Loads the call code now (it otherwise loads on hover, focus or click). */
  preload(): Promise<void> {
    return this.#load().then(() => undefined);
  }

  /** @internal Shows the agent's and microphone's levels without a re-render. */
  showLevels(agent: number, microphone: number): void {
    this.visualizer?.style.setProperty('--agent-level', agent.toFixed(3));
    this.visualizer?.style.setProperty('--mic-level', microphone.toFixed(3));
  }

  #load(): Promise<Call> {
    this.#loading ??= import('../call/call.js').then(({ Call }) => {
      this.#call = new Call(this);
      return this.#call;
    });
    return this.#loading;
  }

  /** The language in effect: `lang`, else the nearest `lang` attribute around the element. */
  #language(): string {
    return this.lang || this.parentElement?.closest('[lang]')?.getAttribute('lang') || 'en';
  }

  #messages(): Messages {
    const lang = this.#language();
    if (!isLanguageLoaded(lang)) {
      void loadLanguage(lang).then((found) => found && this.requestUpdate());
    }
    return resolveMessages(lang, this.labels);
  }

  #onLauncherClick(): void {
    if (this.open) {
      this.open = false;
      return;
    }
    if (isActive(this.state)) this.open = true;
    else void this.start();
  }

  #close(): void {
    if (this.position === 'inline') return;
    this.open = false;
    this.launcher?.focus();
  }

  #onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.open) {
      event.stopPropagation();
      this.#close();
    }
  }

  /** Loads ahead on intent; a failure is reported by the start() that needs the code. */
  #preload = () => void this.#load().catch(() => undefined);

  protected override willUpdate(): void {
    this.#focusedBeforeUpdate = this.shadowRoot?.activeElement ?? null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Through the CSSOM, not a style attribute, so a strict CSP (no 'unsafe-inline') allows it.
    if (this.accentColor) this.base?.style.setProperty('--_accent', this.accentColor);
    else this.base?.style.removeProperty('--_accent');
    const focused = this.#focusedBeforeUpdate;
    const opened = changed.has('open') && this.open && changed.get('open') === false;
    if (opened || (focused && !focused.isConnected)) {
      // Land on the call buttons when the panel opens, and again when a state change
      // replaced the focused button (Start call → Mute / End call).
      this.panel?.querySelector<HTMLElement>('[part~="controls"] button')?.focus();
    }
  }

  override render() {
    const messages = this.#messages();
    const inline = this.position === 'inline';
    const label = this.label || messages.launcher;
    const { call } = this;
    return html`<div
      part="base"
      class=${inline ? 'inline' : `floating ${this.position}`}
      data-state=${this.state}
      @keydown=${this.#onKeydown}
    >
      ${
        inline
          ? nothing
          : html`<button
            part="launcher"
            type="button"
            aria-label=${label}
            title=${label}
            aria-expanded=${this.open ? 'true' : 'false'}
            aria-controls="panel"
            @click=${this.#onLauncherClick}
            @pointerenter=${this.#preload}
            @focus=${this.#preload}
          >
            ${microphoneIcon}
          </button>`
      }
      ${renderPanel({
        messages,
        title: this.label || messages.title,
        state: this.state,
        hidden: !inline && !this.open,
        closable: !inline,
        muted: this.muted,
        reconnecting: call.connectionLost,
        error: call.error,
        agentLeft: call.endedBy === 'agent_left',
        segments: this.transcript ? call.transcript.segments : undefined,
        textInput: this.textInput,
        onStart: () => void this.start(),
        onEnd: () => void this.end(),
        onMute: () => void this.mute(!this.muted),
        onClose: () => this.#close(),
        onSend: (text) => this.sendText(text),
        onIntent: this.#preload,
      })}
      <div class="audio"></div>
    </div>`;
  }
}
