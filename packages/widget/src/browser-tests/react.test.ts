import { fileURLToPath } from 'node:url';
import commonjsPlugin from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserFixture, startBrowser, waitForEvents } from './harness.js';

// The plugin's typings describe a CommonJS module; under Node's ESM the default import is
// the plugin function itself.
const commonjs = commonjsPlugin as unknown as typeof commonjsPlugin.default;

// A React app using the wrapper the way an app developer does, bundled here with rollup.
const APP = `
import { createElement, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { VoiceAgent } from '@voice-agent/widget/react';

function App() {
  const [states, setStates] = useState([]);
  return createElement('div', null,
    createElement(VoiceAgent, {
      tokenUrl: '/no-token-service-here',
      position: 'inline',
      theme: 'dark',
      labels: { start: 'Call us' },
      onState: (event) => setStates((seen) => [...seen, event.detail.state]),
    }),
    createElement('output', { id: 'states' }, states.join(',')));
}
createRoot(document.getElementById('root')).render(createElement(App));
`;

async function bundleApp(): Promise<string> {
  const bundle = await rollup({
    input: 'react-app',
    plugins: [
      {
        name: 'react-app',
        resolveId: (id) => (id === 'react-app' ? id : null),
        load: (id) => (id === 'react-app' ? APP : null),
      },
      nodeResolve({
        browser: true,
        rootDir: fileURLToPath(new URL('../..', import.meta.url)),
      }),
      commonjs(),
    ],
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({
    format: 'es',
    inlineDynamicImports: true,
    intro: "const process = { env: { NODE_ENV: 'production' } };",
  });
  await bundle.close();
  return output[0].code;
}

let fixture: BrowserFixture;

beforeAll(async () => {
  const [browser, code] = await Promise.all([startBrowser(), bundleApp()]);
  fixture = browser;
  fixture.server.page('/react-app.js', {
    html: code,
    headers: { 'Content-Type': 'text/javascript' },
  });
});
afterAll(() => fixture?.close());

describe('React wrapper (@voice-agent/widget/react)', () => {
  it('passes props to the element and events to the on* props', async () => {
    const url = fixture.server.page('/react.html', {
      html: `<!doctype html><html lang="en"><head><title>React</title>
<script type="module" src="/react-app.js"></script></head><body><div id="root"></div></body></html>`,
    });
    const page = await fixture.open(url);
    const element = page.locator('voice-agent');
    await element.getByRole('button', { name: 'Call us' }).waitFor();
    expect(await element.getAttribute('token-url')).toBe('/no-token-service-here');
    expect(await element.getAttribute('theme')).toBe('dark');
    expect(await element.getAttribute('position')).toBe('inline');

    await element.getByRole('button', { name: 'Call us' }).click();
    await waitForEvents(page, 'voice-agent-error');
    await expect.poll(() => page.locator('#states').textContent()).toBe('connecting,error');
    expect(fixture.pageErrors).toEqual([]);
  });
});
