import { css } from 'lit';

/** The dark theme's defaults: for `theme="dark"`, and for a dark system unless `theme="light"`. */
const darkPalette = css`
  --_bg: var(--voice-agent-background, #16181d);
  --_fg: var(--voice-agent-foreground, #e8eaed);
  --_muted: var(--voice-agent-muted-foreground, #a8b0ba);
  --_border: var(--voice-agent-border-color, #3a3f47);
  --_danger: var(--voice-agent-danger, #ff8a80);
  --_accent: var(--voice-agent-accent, #8b8cf8);
  --_on-accent: var(--voice-agent-accent-foreground, #0d0d1a);
`;

/**
 * Public custom properties are `--voice-agent-*` (documented defaults below); private ones are
 * `--_*`. `all: initial` on the host stops the page's inherited styles from leaking in.
 */
export const styles = css`
  :host {
    all: initial;
    display: block;
    --_accent: var(--voice-agent-accent, #4f46e5);
    --_on-accent: var(--voice-agent-accent-foreground, #ffffff);
    --_bg: var(--voice-agent-background, #ffffff);
    --_fg: var(--voice-agent-foreground, #1f2328);
    --_muted: var(--voice-agent-muted-foreground, #57606a);
    --_border: var(--voice-agent-border-color, #d0d7de);
    --_danger: var(--voice-agent-danger, #b42318);
    --_radius: var(--voice-agent-radius, 16px);
    --_font: var(
      --voice-agent-font,
      system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      sans-serif
    );
    --_size: var(--voice-agent-size, 56px);
    --_width: var(--voice-agent-panel-width, 360px);
    --_height: var(--voice-agent-panel-height, 480px);
    --_offset: var(--voice-agent-offset, 20px);
    --_z: var(--voice-agent-z-index, 2147483000);
    --_shadow: var(--voice-agent-shadow, 0 12px 32px rgb(0 0 0 / 0.18));
    font-family: var(--_font);
    font-size: 15px;
    line-height: 1.4;
    color: var(--_fg);
  }
  :host([hidden]) {
    display: none;
  }
  :host([theme='dark']) {
    ${darkPalette}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkPalette}
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  button,
  input {
    font: inherit;
    color: inherit;
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .floating {
    position: fixed;
    z-index: var(--_z);
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    gap: 12px;
  }
  .bottom-right {
    right: var(--_offset);
    bottom: var(--_offset);
    flex-direction: column-reverse;
  }
  .bottom-left {
    left: var(--_offset);
    bottom: var(--_offset);
    flex-direction: column-reverse;
    align-items: flex-start;
  }
  .top-right {
    right: var(--_offset);
    top: var(--_offset);
  }
  .top-left {
    left: var(--_offset);
    top: var(--_offset);
    align-items: flex-start;
  }
  [part~='launcher'] {
    width: var(--_size);
    height: var(--_size);
    border-radius: 50%;
    border: none;
    background: var(--_accent);
    color: var(--_on-accent);
    box-shadow: var(--_shadow);
    cursor: pointer;
    display: grid;
    place-items: center;
    transition: transform 150ms ease;
  }
  [part~='launcher']:hover {
    transform: scale(1.06);
  }
  [part~='launcher'] svg {
    width: 45%;
    height: 45%;
  }
  [part~='panel'] {
    width: min(var(--_width), calc(100vw - 2 * var(--_offset)));
    max-height: min(var(--_height), calc(100vh - 3 * var(--_offset) - var(--_size)));
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    display: flex;
    flex-direction: column;
    overflow: hidden;
  }
  .inline [part~='panel'] {
    width: 100%;
    max-height: var(--_height);
    box-shadow: none;
  }
  [part~='panel'][hidden] {
    display: none;
  }
  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 12px 12px 12px 16px;
    border-bottom: 1px solid var(--_border);
  }
  h2 {
    margin: 0;
    font-size: 16px;
    font-weight: 600;
  }
  .icon-button {
    background: none;
    border: none;
    border-radius: 8px;
    width: 32px;
    height: 32px;
    cursor: pointer;
    display: grid;
    place-items: center;
  }
  .icon-button svg {
    width: 18px;
    height: 18px;
  }
  [part~='visualizer'] {
    display: flex;
    justify-content: center;
    align-items: center;
    gap: 4px;
    height: 56px;
    margin: 12px 16px 0;
  }
  .bar {
    width: 6px;
    height: 100%;
    border-radius: 3px;
    background: var(--_accent);
    transform: scaleY(calc(0.12 + 0.88 * var(--agent-level, 0)));
    transition: transform 80ms linear;
  }
  .bar.mic {
    background: var(--_muted);
    transform: scaleY(calc(0.12 + 0.88 * var(--mic-level, 0)));
  }
  .bar:nth-child(2),
  .bar:nth-child(6) {
    height: 70%;
  }
  .bar:nth-child(1),
  .bar:nth-child(7) {
    height: 45%;
  }
  [part~='status'] {
    margin: 8px 16px 0;
    text-align: center;
    color: var(--_muted);
    min-height: 1.4em;
  }
  [part~='error'] {
    margin: 8px 16px 0;
    color: var(--_danger);
    text-align: center;
  }
  [part~='error']:empty {
    /* kept in the accessibility tree, so screen readers already know the alert region */
    margin: 0;
  }
  [part~='transcript'] {
    flex: 1;
    min-height: 80px;
    overflow-y: auto;
    margin: 12px 0 0;
    padding: 0 16px;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  .caption {
    margin: 0;
    max-width: 85%;
    padding: 8px 12px;
    border-radius: 12px;
    background: color-mix(in srgb, var(--_fg) 8%, transparent);
  }
  .caption.user {
    align-self: flex-end;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .caption.interim {
    opacity: 0.75;
  }
  .speaker {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
  form {
    display: flex;
    gap: 8px;
    padding: 12px 16px 0;
  }
  [part~='text-input'] {
    flex: 1;
    min-width: 0;
    padding: 8px 12px;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_bg);
  }
  [part~='controls'] {
    display: flex;
    justify-content: center;
    gap: 12px;
    padding: 12px 16px 16px;
  }
  .pill {
    border: 1px solid var(--_border);
    border-radius: 999px;
    padding: 8px 16px;
    background: var(--_bg);
    cursor: pointer;
    font-weight: 500;
  }
  .pill.primary,
  [part~='send-button'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  [part~='end-button'] {
    background: var(--_danger);
    border-color: var(--_danger);
    color: var(--_bg);
  }
  [part~='mic-button'][aria-pressed='true'] {
    background: var(--_fg);
    color: var(--_bg);
  }
  .audio {
    display: none;
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      transition: none !important;
      animation: none !important;
    }
  }
`;
