import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserFixture, shadowStyle, startBrowser, waitForEvents } from './harness.js';
import { type RunningTokenService, startSilentServer, startTokenService } from './token-service.js';

/**
 * The policy documented in the README: nothing inline, no eval, scripts only from the page's
 * own origin (where the widget is hosted), connections only to the token service and the
 * LiveKit server.
 */
function strictPolicy(tokenOrigin: string, livekitOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${tokenOrigin} ${livekitOrigin}`,
    "media-src 'self' blob:",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

let fixture: BrowserFixture;
let tokenService: RunningTokenService;
let livekit: Awaited<ReturnType<typeof startSilentServer>>;

beforeAll(async () => {
  [fixture, livekit] = await Promise.all([startBrowser(), startSilentServer()]);
  tokenService = await startTokenService({
    livekitUrl: livekit.url,
    allowedOrigins: [fixture.server.origin],
  });
});
afterAll(async () => {
  await tokenService?.stop();
  await livekit?.stop();
  await fixture?.close();
});

describe('strict Content-Security-Policy', () => {
  it('renders, themes, loads the call code and a language, and starts a call with no violation', async () => {
    const url = fixture.server.page('/csp.html', {
      html: `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>CSP</title>
<script type="module" src="/dist/voice-agent.js"></script></head>
<body><voice-agent token-url="${tokenService.url}/token" accent-color="#008000"></voice-agent></body></html>`,
      headers: { 'Content-Security-Policy': strictPolicy(tokenService.url, livekit.url) },
    });
    const page = await fixture.browser.context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(
          `Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`,
        );
      });
    });
    await page.goto(url);
    const widget = page.locator('voice-agent');
    const launcher = widget.getByRole('button', { name: 'Parler à notre assistant' });
    await launcher.waitFor();
    expect(await shadowStyle(page, '[part~="launcher"]', 'background-color')).toBe(
      'rgb(0, 128, 0)',
    );
    expect(await shadowStyle(page, '[part~="launcher"]', 'border-radius')).toBe('50%');

    await launcher.click();
    // The token service answered and the widget is now connecting to LiveKit (which never
    // answers here): every request the call needs so far passed the policy.
    await waitForEvents(page, 'voice-agent-state');
    await widget.getByRole('status').filter({ hasText: 'Connexion…' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(fixture.server.callChunkRequests().length).toBe(1);
    await page.evaluate(() => document.querySelector('voice-agent')?.end());
    await widget.getByRole('status').filter({ hasText: 'Appel terminé' }).waitFor();
    expect(violations).toEqual([]);
    expect(fixture.pageErrors).toEqual([]);
  });
});
