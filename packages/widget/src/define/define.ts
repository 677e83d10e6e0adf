import { VERSION } from '../version.js';
import { VoiceAgentElement } from '../voice-agent/voice-agent.js';

/**
 * Defines `<voice-agent>` (or `tagName`) unless it is already defined. A second copy of the
 * widget on the page (the script twice from different URLs, or two versions) warns instead of
 * throwing, and the first definition stays.
 */
export function defineVoiceAgent(tagName = 'voice-agent'): void {
  const existing = customElements.get(tagName);
  if (!existing) {
    customElements.define(tagName, VoiceAgentElement);
    return;
  }
  if (existing !== VoiceAgentElement) {
    const other = (existing as { version?: string }).version ?? 'unknown';
    console.warn(
      `<${tagName}> is already defined (version ${other}); this copy (version ${VERSION}) is not used. Load the widget once.`,
    );
  }
}
