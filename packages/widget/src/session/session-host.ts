import type { ReactiveControllerHost } from 'lit';
import type { TokenCredentials, TokenHeaders } from '../token/token.js';
import type { PageToolRegistry } from '../tools/tools.js';

/**
 * What the session controller needs from the element. Kept as an interface so the element
 * only imports the controller's type, and the controller (with livekit-client) stays in the
 * lazily loaded chunk.
 */
export interface SessionHost extends ReactiveControllerHost, HTMLElement {
  tokenUrl: string;
  agentName: string;
  participantName: string;
  tokenCredentials: TokenCredentials;
  tokenHeaders: TokenHeaders | undefined;
  agentTimeout: number;
  readonly tools: PageToolRegistry;
  /** Where the controller puts the agent's `<audio>` element. */
  readonly audioContainer: HTMLElement | null;
  /** Shows the agent's and the microphone's level, each 0..1, without a re-render. */
  showLevels(agent: number, microphone: number): void;
}
