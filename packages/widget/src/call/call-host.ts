import type { ReactiveControllerHost } from 'lit';
import type { PersistenceLoader } from '../persist/persistence-loader.js';
import type { TokenCredentials, TokenHeaders } from '../token/token.js';
import type { PageToolRegistry } from '../tools/tools.js';
import type { CallState } from './call-state.js';

/**
 * What the call needs from the element. Kept as an interface so the element only imports the
 * call's type, and the call (with livekit-client) stays in the lazily loaded chunk.
 */
export interface CallHost extends ReactiveControllerHost, HTMLElement {
  /** What the element renders; the call reports to it. */
  readonly call: CallState;
  tokenUrl: string;
  agentName: string;
  participantName: string;
  tokenCredentials: TokenCredentials;
  tokenHeaders: TokenHeaders | undefined;
  agentTimeout: number;
  /** Keep the call across reloads and navigation (`persist`). */
  persist: boolean;
  /** Keeps the resume tickets the token service answers (`persist`). */
  readonly persistence: Pick<PersistenceLoader, 'keep' | 'takeTicket' | 'holdsCall'>;
  readonly tools: PageToolRegistry;
  /** Where the call puts the agent's `<audio>` element. */
  readonly audioContainer: HTMLElement | null;
  /** Where the levels are shown, as the `--agent-level` and `--mic-level` properties. */
  readonly visualizer: HTMLElement | null;
}
