import type { VoiceAgentErrorCode } from '../errors/errors.js';
import type { VoiceAgentState } from '../state/state.js';
import { en } from './en.js';

/** Every text the widget shows or announces. Override any of them with the `labels` property. */
export interface Messages {
  launcher: string;
  title: string;
  start: string;
  end: string;
  close: string;
  retry: string;
  mute: string;
  unmute: string;
  send: string;
  textPlaceholder: string;
  transcript: string;
  you: string;
  agent: string;
  reconnecting: string;
  agentLeft: string;
  /** The start button when an earlier page's call can be continued (`persist`). */
  continue: string;
  /** Shown when an earlier page's call could not be continued and a new one started. */
  startedAfresh: string;
  states: Record<VoiceAgentState, string>;
  errors: Record<VoiceAgentErrorCode, string>;
}

/** Partial overrides: any top-level text, and any state or error text. */
export type MessageOverrides = Partial<Omit<Messages, 'states' | 'errors'>> & {
  states?: Partial<Messages['states']>;
  errors?: Partial<Messages['errors']>;
};

/**
 * The built-in languages. English is in the loader; the others are separate chunks loaded
 * only when a page asks for them, to keep the loader small.
 */
export const LANGUAGES: Readonly<Record<string, () => Promise<Messages>>> = {
  en: async () => en,
  fr: async () => (await import('./fr.js')).fr,
  de: async () => (await import('./de.js')).de,
};

const loaded = new Map<string, Messages>([['en', en]]);

/** The primary subtag of a BCP 47 tag, lower-cased: `fr-CA` → `fr`. */
export function primaryLanguage(lang: string | undefined | null): string {
  return (lang ?? '').toLowerCase().split('-')[0] ?? '';
}

/** Loads a language's texts; resolves `false` when it is not built in (English is used). */
export async function loadLanguage(lang: string | undefined | null): Promise<boolean> {
  const primary = primaryLanguage(lang);
  const load = LANGUAGES[primary];
  if (!load) return false;
  if (!loaded.has(primary)) loaded.set(primary, await load());
  return true;
}

/** Whether {@link resolveMessages} can already use that language. */
export function isLanguageLoaded(lang: string | undefined | null): boolean {
  return loaded.has(primaryLanguage(lang));
}

/**
 * The messages for a BCP 47 tag (`fr-CA` falls back to `fr`; a language not built in or not
 * loaded yet, to English), with the page's overrides on top.
 */
export function resolveMessages(
  lang: string | undefined | null,
  overrides: MessageOverrides = {},
): Messages {
  const base = loaded.get(primaryLanguage(lang)) ?? en;
  return {
    ...base,
    ...overrides,
    states: { ...base.states, ...overrides.states },
    errors: { ...base.errors, ...overrides.errors },
  } as Messages;
}

/** An element whose texts follow its `lang`, else the nearest `lang` attribute around it. */
interface LocalizedElement {
  readonly lang: string;
  readonly parentElement: HTMLElement | null;
  requestUpdate(): void;
}

/**
 * The element's messages now (English until its language has loaded; it re-renders then),
 * with the page's overrides on top.
 */
export function messagesFor(element: LocalizedElement, overrides: MessageOverrides): Messages {
  const lang =
    element.lang || element.parentElement?.closest('[lang]')?.getAttribute('lang') || 'en';
  if (!isLanguageLoaded(lang)) {
    void loadLanguage(lang).then((found) => found && element.requestUpdate());
  }
  return resolveMessages(lang, overrides);
}
