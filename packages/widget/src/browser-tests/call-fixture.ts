import { type DevServer, startDevServer } from '@voice-agent/devserver';
import { makeToneWav } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import { AgentParticipant } from './agent-participant.js';
import { type BrowserFixture, startBrowser, widgetPage } from './harness.js';
import { type RunningTokenService, startTokenService } from './token-service.js';

/**
 * The whole call path for one test file: the widget in Chromium (a 440 Hz tone as its
 * microphone), the real token service, the development LiveKit server, and the agent's side
 * played by LiveKit's Node client.
 */
export interface CallFixture {
  browser: BrowserFixture;
  devServer: DevServer;
  /** The dev server's API key and secret. */
  credentials(): { apiKey: string; apiSecret: string };
  /** Starts a token service putting every visitor in `roomName` (stopped by `close`). */
  tokenService(roomName: string, livekitUrl?: string): Promise<RunningTokenService>;
  /** A page with the widget (`text-input` and `attributes`) for a call in `roomName`. */
  openCall(roomName: string, attributes?: string): Promise<Page>;
  /** The agent's side, joined to `roomName` (it leaves on `close`). */
  joinAgent(roomName: string): Promise<AgentParticipant>;
  /** An agent in `roomName` showing `state`, and a page whose visitor started a call with it. */
  startedCall(
    roomName: string,
    state: 'listening' | 'speaking',
    label: string,
  ): Promise<{ agent: AgentParticipant; page: Page; widget: ReturnType<Page['locator']> }>;
  close(): Promise<void>;
}

export async function startCallFixture(): Promise<CallFixture> {
  const microphone = await makeToneWav({ frequency: 440, durationMs: 1000 });
  const [browser, devServer] = await Promise.all([
    startBrowser({ fakeAudioCapture: microphone }),
    startDevServer({ port: 0 }),
  ]);
  const services: RunningTokenService[] = [];
  const agents: AgentParticipant[] = [];
  const credentials = () => {
    const [apiKey, apiSecret] = Object.entries(devServer.keys)[0] ?? [];
    if (!apiKey || !apiSecret) throw new Error('the dev server has no key');
    return { apiKey, apiSecret };
  };
  const fixture: CallFixture = {
    browser,
    devServer,
    credentials,
    async tokenService(roomName, livekitUrl = devServer.url) {
      const service = await startTokenService({
        livekitUrl,
        ...credentials(),
        allowedOrigins: [browser.server.origin],
        authorize: () => ({ allow: true, roomName }),
      });
      services.push(service);
      return service;
    },
    async openCall(roomName, attributes = '') {
      const service = await fixture.tokenService(roomName);
      const element = `<voice-agent token-url="${service.url}/token" text-input ${attributes}></voice-agent>`;
      return browser.open(browser.server.page(`/${roomName}.html`, widgetPage(element)));
    },
    async joinAgent(roomName) {
      const agent = await AgentParticipant.join({ url: devServer.url, ...credentials(), roomName });
      agents.push(agent);
      return agent;
    },
    async startedCall(roomName, state, label) {
      const agent = await fixture.joinAgent(roomName);
      await agent.setState(state);
      const page = await fixture.openCall(roomName);
      const widget = page.locator('voice-agent');
      await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
      await widget.getByRole('status').filter({ hasText: label }).waitFor();
      return { agent, page, widget };
    },
    async close() {
      await Promise.all(agents.map((agent) => agent.leave().catch(() => undefined)));
      await Promise.all(services.map((service) => service.stop()));
      await browser.close();
      await devServer.close();
    },
  };
  return fixture;
}

/** The widget's `state` property in `page`. */
export function widgetState(page: Page) {
  return page.evaluate(() => document.querySelector('voice-agent')?.state);
}
