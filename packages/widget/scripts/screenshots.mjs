// Writes the README's screenshots (light and dark, closed and open) to docs/images/.
// Run after the build: npm run build -w @voice-agent/widget && npm run screenshots -w @voice-agent/widget
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '@voice-agent/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const out = join(root, 'docs', 'images');

function page(theme) {
  const background = theme === 'dark' ? '#0b0c0f' : '#f4f5f7';
  const text = theme === 'dark' ? '#c9ced6' : '#3d4450';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>screenshot</title>
<script type="module" src="/dist/voice-agent.js"></script>
</head><body style="margin:0">
<main><h1>Acme Outdoor</h1><p>Tents, boots and everything for the trail.</p></main>
<voice-agent token-url="/token" theme="${theme}" text-input></voice-agent>
<style>body{background:${background};color:${text};font:16px system-ui;padding:32px}</style></body></html>`;
}

const server = createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  const theme = /^\/(light|dark)\.html$/.exec(path)?.[1];
  if (theme) {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    return response.end(page(theme));
  }
  const file = normalize(join(dist, path.replace(/^\/dist\//, '')));
  if (path.startsWith('/dist/') && file.startsWith(dist)) {
    try {
      const body = await readFile(file);
      response.writeHead(200, {
        'Content-Type': extname(file) === '.js' ? 'text/javascript' : 'application/json',
      });
      return response.end(body);
    } catch {
      // 404 below
    }
  }
  response.writeHead(404);
  response.end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium();
try {
  const tab = await browser.context.newPage();
  await tab.setViewportSize({ width: 480, height: 640 });
  for (const theme of ['light', 'dark']) {
    await tab.emulateMedia({ colorScheme: theme });
    await tab.goto(`${origin}/${theme}.html`);
    await tab.waitForFunction(() => customElements.get('voice-agent'));
    await tab.locator('voice-agent').getByRole('button').first().waitFor();
    await tab.screenshot({ path: join(out, `${theme}-closed.png`) });
    await tab.evaluate(() => document.querySelector('voice-agent')?.setAttribute('open', ''));
    await tab.locator('voice-agent').getByRole('dialog').waitFor();
    // The panel focuses its first button on open; the docs show it at rest.
    await tab.evaluate(() => {
      const focused = document.querySelector('voice-agent')?.shadowRoot?.activeElement;
      if (focused instanceof HTMLElement) focused.blur();
    });
    await tab.screenshot({ path: join(out, `${theme}-open.png`) });
    console.log(`wrote ${theme}-closed.png and ${theme}-open.png`);
  }
} finally {
  await browser.close();
  server.close();
}
