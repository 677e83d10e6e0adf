import { html, LitElement, nothing } from 'lit';
import { property, query } from 'lit/decorators.js';
import { CallLoader, type CallLoaderHost } from '../call/call-loader.js';
import { CallState } from '../call/call-state.js';
import { type MessageOverrides, messagesFor } from '../i18n/i18n.js';
import { PersistenceLoader } from '../persist/persistence-loader.js';
import { isActive, type VoiceAgentState } from '../state/state.js';
import type { TokenCredentials, TokenHeaders } from '../token/token.js';
import { type ClientTool, PageToolRegistry } from '../tools/tools.js';
import { VERSION } from '../version.js';
import { PanelControl } from './panel-control.js';
import { renderLauncher } from './voice-agent.launcher.js';
import {
  onUnlessFalse,
  type VoiceAgentPosition,
  type VoiceAgentTheme,
} from './voice-agent.options.js';
import { renderPanel } from './voice-agent.panel.js';
import { styles } from './voice-agent.styles.js';

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
 * @csspart notice - Says that an earlier page's call could not be continued (`persist`).
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
export class VoiceAgentElement extends LitElement implements CallLoaderHost {
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
   * Cookies on the token request (`fetch`'s `credentials`): `omit`, `same-origin` (default) or
   * `include` (also to a token service on another origin that allows it with credentials).
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
  /**
   * Keep the call across reloads and same-origin navigation in this tab: the next page shows
   * the captions and rejoins the conversation (or offers "Continue the conversation" when the
   * browser wants a click before playing audio). Default `false`.
   */
  @property({ type: Boolean, reflect: true }) persist = false;
  /** Overrides of any text (see the README's i18n section). */
  @property({ attribute: false }) labels: MessageOverrides = {};

  /** The page's client tools; usable before the call code has loaded. */
  readonly tools = new PageToolRegistry();

  /** @internal What the panel shows about the call; the call code reports to it. */
  readonly call = new CallState(this);

  /** @internal Where the call puts the agent's `<audio>` element. */
  @query('.audio') readonly audioContainer!: HTMLElement | null;
  /** @internal Where the call shows the levels (without a re-render). */
  @query('[part~="visualizer"]') readonly visualizer!: HTMLElement | null;
  /** @internal The launcher and the panel, for the panel control. */
  @query('[part~="launcher"]') readonly launcher!: HTMLButtonElement | null;
  @query('[part~="panel"]') readonly panel!: HTMLElement | null;
  @query('[part~="base"]') private readonly base!: HTMLElement | null;

  /** @internal Keeps the call across pages (`persist`). */
  readonly persistence = new PersistenceLoader(this);
  readonly #calls = new CallLoader(this);
  readonly #panel = new PanelControl(this);

  /** What the widget is doing now. */
  get state(): VoiceAgentState {
    return this.call.state;
  }

  /** Whether the microphone is muted. */
  get muted(): boolean {
    return this.#calls.muted;
  }

  /**
   * Starts a call (opening the panel). Call it from a click or key press so the browser lets
   * the page play the agent's voice; it also works before the call code has loaded.
   */
  start(): Promise<void> {
    if (isActive(this.state)) return Promise.resolve();
    this.open = true;
    return this.#calls.start();
  }

  /** Hangs up; the panel stays open showing "Call ended". */
  end(): Promise<void> {
    return this.#calls.end();
  }

  /** Mutes (`true`, the default) or unmutes the microphone; before a call, for the next one. */
  mute(on = true): Promise<void> {
    return this.#calls.mute(on);
  }

  /** Sends typed text to the agent. Rejects with `not_connected` when no agent is there. */
  sendText(text: string): Promise<void> {
    return this.#calls.sendText(text);
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
    return this.#calls.load().then(() => undefined);
  }

  /** Loads ahead on intent; a failure is reported by the start() that needs the code. */
  #preload = () => void this.#calls.load().catch(() => undefined);

  protected override updated(): void {
    // Through the CSSOM, not a style attribute, so a strict CSP (no 'unsafe-inline') allows it.
    if (this.accentColor) this.base?.style.setProperty('--_accent', this.accentColor);
    else this.base?.style.removeProperty('--_accent');
  }

  override render() {
    const messages = messagesFor(this, this.labels);
    const inline = this.position === 'inline';
    const label = this.label || messages.launcher;
    return html`<div
      part="base"
      class=${inline ? 'inline' : `floating ${this.position}`}
      data-state=${this.state}
      @keydown=${this.#panel.onKeydown}
    >
      ${
        inline
          ? nothing
          : renderLauncher({
              label,
              open: this.open,
              onClick: this.#panel.onLauncherClick,
              onIntent: this.#preload,
            })
      }
      ${renderPanel({
        messages,
        title: this.label || messages.title,
        state: this.state,
        hidden: !inline && !this.open,
        closable: !inline,
        muted: this.muted,
        call: this.call,
        captions: this.transcript,
        resumable: this.persistence.resumable,
        textInput: this.textInput,
        onStart: () => void this.start(),
        onEnd: () => void this.end(),
        onMute: () => void this.mute(!this.muted),
        onClose: this.#panel.close,
        onSend: (text) => this.sendText(text),
        onIntent: this.#preload,
      })}
      <div class="audio"></div>
    </div>`;
  }
}
