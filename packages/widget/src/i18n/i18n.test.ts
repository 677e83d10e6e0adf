import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../errors/errors.js';
import { STATES } from '../state/state.js';
import { isLanguageLoaded, LANGUAGES, loadLanguage, resolveMessages } from './i18n.js';

describe('i18n', () => {
  it('uses English until a language is loaded, then picks it by its primary subtag', async () => {
    expect(isLanguageLoaded('de')).toBe(false);
    expect(resolveMessages('de').end).toBe('End call');
    expect(await loadLanguage('de-AT')).toBe(true);
    expect(await loadLanguage('fr')).toBe(true);
    expect(await loadLanguage('xx')).toBe(false);
    expect(resolveMessages('fr-CA').end).toBe("Terminer l'appel");
    expect(resolveMessages('DE').end).toBe('Anruf beenden');
    expect(resolveMessages('xx').end).toBe('End call');
    expect(resolveMessages(undefined).end).toBe('End call');
  });

  it('applies overrides to any text, state or error', async () => {
    await loadLanguage('fr');
    const messages = resolveMessages('fr', {
      launcher: 'Besoin d’aide ?',
      states: { listening: 'Je vous écoute' },
      errors: { token_forbidden: 'Domaine refusé' },
    });
    expect(messages.launcher).toBe('Besoin d’aide ?');
    expect(messages.states.listening).toBe('Je vous écoute');
    expect(messages.states.speaking).toBe('Parle');
    expect(messages.errors.token_forbidden).toBe('Domaine refusé');
  });

  it('translates every state and every error code in every language', async () => {
    for (const load of Object.values(LANGUAGES)) {
      const messages = await load();
      for (const state of STATES) expect(messages.states[state]).toBeTruthy();
      for (const code of ERROR_CODES) expect(messages.errors[code]).toBeTruthy();
    }
  });
});
