import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isActive, type VoiceAgentState } from '../state/state.js';

/** What the panel control needs from the element. */
export interface PanelControlHost extends ReactiveControllerHost {
  open: boolean;
  readonly position: string;
  readonly state: VoiceAgentState;
  readonly shadowRoot: ShadowRoot | null;
  /** The panel and the launcher, once rendered. */
  readonly panel: HTMLElement | null;
  readonly launcher: HTMLButtonElement | null;
  start(): Promise<void>;
}

/**
 * Opens and closes the floating panel (launcher, close button, Escape) and keeps the
 * keyboard on the call buttons: when the panel opens, and again when a state change replaced
 * the focused button (Start call → Mute / End call).
 */
export class PanelControl implements ReactiveController {
  readonly #host: PanelControlHost;
  #focusedBeforeUpdate: Element | null = null;
  #wasOpen: boolean | undefined;

  constructor(host: PanelControlHost) {
    this.#host = host;
    host.addController(this);
  }

  /** The launcher: closes an open panel, shows a running call, or starts one. */
  readonly onLauncherClick = (): void => {
    const host = this.#host;
    if (host.open) host.open = false;
    else if (isActive(host.state)) host.open = true;
    else void host.start();
  };

  /** Closes the floating panel (an inline one stays) and gives the launcher the focus. */
  readonly close = (): void => {
    if (this.#host.position === 'inline') return;
    this.#host.open = false;
    this.#host.launcher?.focus();
  };

  readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.#host.open) {
      event.stopPropagation();
      this.close();
    }
  };

  hostUpdate(): void {
    this.#focusedBeforeUpdate = this.#host.shadowRoot?.activeElement ?? null;
  }

  hostUpdated(): void {
    const { open, panel } = this.#host;
    const focused = this.#focusedBeforeUpdate;
    const opened = open && this.#wasOpen === false;
    this.#wasOpen = open;
    if (opened || (focused && !focused.isConnected)) {
      panel?.querySelector<HTMLElement>('[part~="controls"] button')?.focus();
    }
  }
}
