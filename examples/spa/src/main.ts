// A Vite + TypeScript app using the npm build: lit and livekit-client are shared with the
// app's own bundle, and the call code is split into a chunk loaded on first intent.
import '@voice-agent/widget';
import type { VoiceAgentState } from '@voice-agent/widget';

// The token service of `npm start` at the repository root; voice-agent-server listens on 8787.
const tokenUrl = import.meta.env.VITE_TOKEN_URL ?? 'http://localhost:8080/token';

const app = document.querySelector<HTMLDivElement>('#app');
if (!app) throw new Error('#app is missing');
// The widget lives in the layout, outside the routed part: a call goes on across routes.
// `persist` also keeps it across a reload of the tab.
app.innerHTML = `
  <nav><a href="/" data-route>Support</a> · <a href="/orders" data-route>Orders</a></nav>
  <main id="route"></main>
  <p>State: <strong id="state">idle</strong></p>
  <button id="call" type="button">Call support</button>
  <ul id="captions"></ul>
  <voice-agent position="inline" text-input persist></voice-agent>
`;

const routes: Record<string, string> = {
  '/': '<h1>Support</h1><p>Ask about your order, or anything else.</p>',
  '/orders': '<h1>Orders</h1><p>Your recent orders show here.</p>',
};
function showRoute(): void {
  const route = document.querySelector('#route');
  if (route) route.innerHTML = routes[location.pathname] ?? routes['/'] ?? '';
}
app.addEventListener('click', (event) => {
  const link = (event.target as Element).closest<HTMLAnchorElement>('a[data-route]');
  if (!link) return;
  event.preventDefault();
  history.pushState(null, '', link.href);
  showRoute();
});
addEventListener('popstate', showRoute);
showRoute();

const widget = document.querySelector('voice-agent');
if (!widget) throw new Error('<voice-agent> is missing');
widget.tokenUrl = tokenUrl;

// A typed page tool: the model can ask for the visitor's current page.
widget.registerTool<{ detail?: 'path' | 'title' }>({
  name: 'current_page',
  description: 'The page the visitor is looking at.',
  parameters: {
    type: 'object',
    properties: { detail: { type: 'string', enum: ['path', 'title'] } },
  },
  handler: ({ detail = 'path' }) => (detail === 'title' ? document.title : location.pathname),
});

// Events are typed through HTMLElementEventMap.
widget.addEventListener('voice-agent-state', (event) => {
  const state: VoiceAgentState = event.detail.state;
  const label = document.querySelector('#state');
  if (label) label.textContent = state;
});
widget.addEventListener('voice-agent-transcript', ({ detail }) => {
  if (!detail.final) return;
  const item = document.createElement('li');
  item.textContent = `${detail.role}: ${detail.text}`;
  document.querySelector('#captions')?.append(item);
});
widget.addEventListener('voice-agent-error', ({ detail }) => {
  console.warn(`voice agent error ${detail.code}: ${detail.message}`);
});

// start() from a click: the browser then lets the page play the agent's voice.
document.querySelector('#call')?.addEventListener('click', () => void widget.start());
