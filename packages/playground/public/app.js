// The playground pages: the page's client tool, the widget's events, live theming controls,
// the example site's login. A page without one of these sections (rooms.html) skips it.
// The widget's script-tag build is an ES module: the same URL as the page's <script>, so one copy.
import { VOICE_AGENT_EVENTS } from '/widget/voice-agent.js';

const widget = document.querySelector('voice-agent');
const log = document.getElementById('log');
const stateOutput = document.getElementById('state');
const markup = document.getElementById('markup');
const form = document.getElementById('controls');

function addLogLine(type, detail) {
  if (!log) return;
  const item = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  item.textContent = `${time} ${type} ${JSON.stringify(detail)}`;
  item.dataset.type = type;
  log.prepend(item);
  while (log.children.length > 200) log.lastElementChild.remove();
}

// Every widget event, in order: the page's own record, shown in the log.
for (const type of VOICE_AGENT_EVENTS) {
  widget.addEventListener(type, (event) => {
    // Interim captions update in place; log only final ones.
    if (type === 'voice-agent-transcript' && !event.detail.final) return;
    if (type === 'voice-agent-state' && stateOutput) stateOutput.value = event.detail.state;
    addLogLine(type, event.detail);
  });
}

/** The page's tool: the agent calls it to repaint the page. */
function setPageColor({ color }) {
  if (typeof color !== 'string' || !CSS.supports('color', color)) {
    throw new Error(`not a CSS colour: ${String(color)}`);
  }
  document.body.style.backgroundColor = color;
  return { color };
}

/** The markup a site owner would write for what the controls show (the element reflects more). */
function showMarkup() {
  if (!form) return;
  const parts = [`token-url="${widget.getAttribute('token-url')}"`];
  parts.push(`agent-name="${widget.getAttribute('agent-name') ?? ''}"`);
  for (const input of form.elements) {
    if (!input.name) continue;
    if (input.type === 'checkbox') {
      if (input.name === 'transcript') {
        if (!input.checked) parts.push('transcript="false"');
      } else if (input.checked) {
        parts.push(input.name);
      }
    } else if (widget.getAttribute(input.name)) {
      parts.push(`${input.name}="${widget.getAttribute(input.name)}"`);
    }
  }
  markup.textContent = `<voice-agent ${parts.join(' ')}></voice-agent>`;
}

function applyControl(input) {
  const name = input.name;
  if (input.type === 'checkbox') {
    // transcript is on unless it says "false"; the others are boolean attributes.
    if (name === 'transcript') widget.setAttribute(name, input.checked ? 'true' : 'false');
    else widget.toggleAttribute(name, input.checked);
  } else if (input.value) {
    widget.setAttribute(name, input.value);
  } else {
    widget.removeAttribute(name);
  }
  showMarkup();
}

form?.addEventListener('change', (event) => applyControl(event.target));
form?.addEventListener('input', (event) => {
  if (event.target.type === 'color' || event.target.type === 'text') applyControl(event.target);
});
form?.addEventListener('submit', (event) => event.preventDefault());

// The example site's login (served by the example backend): its cookie is what the token
// service's authorize hook reads to sign the visitor into the token.
const loginForm = document.getElementById('login');
const accountOutput = document.getElementById('account');
async function showAccount() {
  if (!accountOutput) return;
  // A page served without the example site's routes (no login there) has nobody signed in.
  const response = await fetch('/account/me');
  const me = response.ok ? await response.json() : null;
  accountOutput.value = me ? `${me.name} (${me.id})` : 'nobody';
}
loginForm?.addEventListener('submit', async (event) => {
  event.preventDefault();
  await fetch('/account/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer: loginForm.elements.customer.value }),
  });
  await showAccount();
});
document.getElementById('logout')?.addEventListener('click', async () => {
  await fetch('/account/logout', { method: 'POST' });
  await showAccount();
});
await showAccount();

const settings = await fetch('/playground.json').then((response) => response.json());
widget.setAttribute('agent-name', settings.agentName);
if (settings.offlineDemo) {
  const mode = document.getElementById('mode');
  mode.textContent =
    'Offline demo mode: the agent talks to a bundled Gemini Live stand-in (scripted answers, ' +
    'a chime for a voice). Set GOOGLE_API_KEY and restart to talk to Gemini.';
  mode.hidden = false;
  document.documentElement.dataset.offlineDemo = 'true';
}
await customElements.whenDefined('voice-agent');
widget.registerTool({
  name: 'set_page_color',
  description: 'Repaint the background of the page the visitor is on',
  parameters: {
    type: 'object',
    properties: { color: { type: 'string', description: 'a CSS colour, e.g. #bfdbfe or teal' } },
    required: ['color'],
  },
  handler: setPageColor,
});
showMarkup();
document.documentElement.dataset.ready = 'true';
