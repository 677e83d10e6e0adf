import { html, nothing, type TemplateResult } from 'lit';
import type { CallState } from '../call/call-state.js';
import type { Messages } from '../i18n/i18n.js';
import { isActive, type VoiceAgentState } from '../state/state.js';

/** What the panel shows; the element computes it on every render. */
export interface PanelView {
  messages: Messages;
  title: string;
  state: VoiceAgentState;
  hidden: boolean;
  closable: boolean;
  muted: boolean;
  /** What the call reports: reconnecting, the error, why it ended, its captions. */
  call: Pick<CallState, 'connectionLost' | 'error' | 'endedBy' | 'startedAfresh' | 'transcript'>;
  /** Whether captions are shown. */
  captions: boolean;
  /** An earlier page's call can be continued: the start button says so. */
  resumable: boolean;
  textInput: boolean;
  onStart(): void;
  onEnd(): void;
  onMute(): void;
  onClose(): void;
  onSend(text: string): Promise<void>;
  onIntent(): void;
}

const closeIcon = html`<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
  <path d="M6 6l12 12M18 6L6 18"/>
</svg>`;

function status(view: PanelView): string {
  const { messages, state } = view;
  if (view.call.connectionLost) return messages.reconnecting;
  if (state === 'ended' && view.call.endedBy === 'agent_left') return messages.agentLeft;
  return messages.states[state];
}

function errorText(view: PanelView): string {
  const { call, messages } = view;
  return call.error ? messages.errors[call.error.code] : '';
}

function captions(view: PanelView): TemplateResult | typeof nothing {
  if (!view.captions) return nothing;
  const { messages } = view;
  return html`<div part="transcript" role="log" aria-live="polite" aria-label=${messages.transcript}>
    ${view.call.transcript.segments.map(
      (segment) =>
        html`<p
          part="caption caption-${segment.role}"
          class="caption ${segment.role} ${segment.final ? '' : 'interim'}"
        >
          <span class="speaker">${segment.role === 'user' ? messages.you : messages.agent}: </span
          >${segment.text}
        </p>`,
    )}
  </div>`;
}

function textForm(view: PanelView): TemplateResult | typeof nothing {
  if (!view.textInput) return nothing;
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('text') as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    void view.onSend(text).then(
      () => {
        input.value = '';
      },
      () => undefined,
    );
  };
  return html`<form part="text-form" @submit=${submit}>
    <input
      part="text-input"
      name="text"
      type="text"
      autocomplete="off"
      aria-label=${view.messages.textPlaceholder}
      placeholder=${view.messages.textPlaceholder}
    />
    <button part="send-button" class="pill" type="submit">${view.messages.send}</button>
  </form>`;
}

function controls(view: PanelView): TemplateResult {
  const { messages } = view;
  if (!isActive(view.state)) {
    const retry = view.state === 'error';
    return html`<div part="controls">
      <button
        part=${retry ? 'retry-button' : 'start-button'}
        class="pill primary"
        type="button"
        @click=${view.onStart}
        @pointerenter=${view.onIntent}
        @focus=${view.onIntent}
      >
        ${retry ? messages.retry : view.resumable ? messages.continue : messages.start}
      </button>
    </div>`;
  }
  return html`<div part="controls">
    <button
      part="mic-button"
      class="pill"
      type="button"
      aria-pressed=${view.muted ? 'true' : 'false'}
      @click=${view.onMute}
    >
      ${view.muted ? messages.unmute : messages.mute}
    </button>
    <button part="end-button" class="pill" type="button" @click=${view.onEnd}>
      ${messages.end}
    </button>
  </div>`;
}

/** The call panel: header, visualizer, status, error, captions, text input, controls. */
export function renderPanel(view: PanelView): TemplateResult {
  const { messages } = view;
  return html`<section
    part="panel"
    id="panel"
    role="dialog"
    aria-labelledby="title"
    ?hidden=${view.hidden}
  >
    <header part="header">
      <h2 part="title" id="title">${view.title}</h2>
      ${
        view.closable
          ? html`<button
            part="close-button"
            class="icon-button"
            type="button"
            aria-label=${messages.close}
            @click=${view.onClose}
          >
            ${closeIcon}
          </button>`
          : nothing
      }
    </header>
    <div part="visualizer" aria-hidden="true">
      <span class="bar agent"></span><span class="bar agent"></span><span class="bar agent"></span
      ><span class="bar agent"></span><span class="bar mic"></span><span class="bar mic"></span
      ><span class="bar mic"></span>
    </div>
    <p part="status" role="status" aria-live="polite">${status(view)}</p>
    <p part="error" role="alert">${errorText(view)}</p>
    ${view.call.startedAfresh ? html`<p part="notice" role="status">${messages.startedAfresh}</p>` : nothing}
    ${captions(view)} ${textForm(view)} ${controls(view)}
  </section>`;
}
