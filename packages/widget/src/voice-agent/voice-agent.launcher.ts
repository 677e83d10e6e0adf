import { html, type TemplateResult } from 'lit';

/** What the floating launcher shows and does. */
export interface LauncherView {
  label: string;
  open: boolean;
  onClick(): void;
  /** Hover or focus: the visitor may be about to start a call. */
  onIntent(): void;
}

const microphoneIcon = html`<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
  <path d="M12 15a3 3 0 0 0 3-3V6a3 3 0 1 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-2.08A7 7 0 0 0 19 12h-2Z"/>
</svg>`;

/** The round button that opens the panel and starts the call (not shown `inline`). */
export function renderLauncher(view: LauncherView): TemplateResult {
  return html`<button
    part="launcher"
    type="button"
    aria-label=${view.label}
    title=${view.label}
    aria-expanded=${view.open ? 'true' : 'false'}
    aria-controls="panel"
    @click=${view.onClick}
    @pointerenter=${view.onIntent}
    @focus=${view.onIntent}
  >
    ${microphoneIcon}
  </button>`;
}
