import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { type LaunchedBrowser, type LaunchOptions, launchChromium } from '@voice-agent/testing';
import { Hono } from 'hono';
import type { Page } from 'playwright-core';
import { VOICE_AGENT_EVENTS, type VoiceAgentEvent } from '../events/events.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The widget's build output, served under `/dist/`. */
export const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** A test page: its HTML and the response headers it is served with (e.g. a CSP). */
export interface TestPage {
  html: string;
  headers?: Record<string, string>;
}

/**
 * A static server on loopback for the built widget (`/dist/...`), pages registered by the
 * tests and scripts they reference. Remembers every path requested, for the lazy-load tests.
 */
export class StaticServer {
  readonly requests: string[] = [];
  readonly #pages = new Map<string, TestPage>();
  readonly #server: Server;
  origin = '';

  constructor() {
    const app = new Hono();
    app.use(async (c, next) => {
      this.requests.push(c.req.path);
      await next();
      // serveStatic sends Last-Modified; cached chunks would hide the loads the tests count.
      c.header('Cache-Control', 'no-store');
    });
    app.get('*', async (c, next) => {
      const page = this.#pages.get(c.req.path);
      return page ? c.body(page.html, 200, { ...TYPES_HTML, ...page.headers }) : next();
    });
    app.use(
      '/dist/*',
      serveStatic({ root: DIST, rewriteRequestPath: (path) => path.slice('/dist'.length) }),
    );
    app.notFound((c) => c.text('not found', 404));
    this.#server = createServer(getRequestListener(app.fetch));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Serves `page` at `path`; returns its full URL. */
  page(path: string, page: TestPage): string {
    this.#pages.set(path, page);
    return `${this.origin}${path}`;
  }

  /** Paths of the call chunk (livekit-client and the call code) requested so far. */
  callChunkRequests(): string[] {
    return this.requests.filter((path) => /\/chunks\/call-[A-Za-z0-9_-]+\.js/.test(path));
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

const TYPES_HTML = { 'Content-Type': 'text/html; charset=utf-8' };

/** A page holding the widget loaded the way a site owner does: one module script. */
export function widgetPage(body: string, head = ''): TestPage {
  return {
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>widget test</title>${head}
<script type="module" src="/dist/voice-agent.js"></script></head><body>${body}</body></html>`,
  };
}

/** Chromium plus a static server, for one test file. */
export interface BrowserFixture {
  server: StaticServer;
  browser: LaunchedBrowser;
  /** Uncaught errors of every page opened; tests expect it to stay empty. */
  pageErrors: Error[];
  /** Opens a page and waits until `<voice-agent>` is defined. */
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the static server and Chromium; pages collect their errors in `errors`. */
export async function startBrowser(options: LaunchOptions = {}): Promise<BrowserFixture> {
  const server = await new StaticServer().start();
  const browser = await launchChromium(options);
  await browser.context.addInitScript(recordWidgetEvents, VOICE_AGENT_EVENTS);
  const pageErrors: Error[] = [];
  return {
    server,
    browser,
    pageErrors,
    async open(url) {
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error));
      await page.goto(url);
      await page.waitForFunction(() => customElements.get('voice-agent') !== undefined);
      return page;
    },
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

/** The value of a computed style inside the widget's shadow root. */
export function shadowStyle(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate(
    ([selector, property]) => {
      const element = document.querySelector('voice-agent')?.shadowRoot?.querySelector(selector);
      if (!element) throw new Error(`no ${selector} in the widget`);
      return getComputedStyle(element).getPropertyValue(property);
    },
    [selector, property] as const,
  );
}

/** A widget event as recorded in the page. */
export interface RecordedEvent {
  type: string;
  detail: unknown;
}

/**
 * Runs in every page before its scripts: keeps every widget event in order. Serialized into
 * the page, so the list of types comes as its argument.
 */
function recordWidgetEvents(types: readonly string[]): void {
  const events: (RecordedEvent & { event: Event })[] = [];
  Object.assign(window, { widgetEvents: events });
  for (const type of types) {
    document.addEventListener(type, (event) => {
      events.push({ type, detail: (event as VoiceAgentEvent).detail, event });
    });
  }
}

/** The widget events the page has seen so far. */
export function widgetEvents(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() =>
    (window as unknown as { widgetEvents: RecordedEvent[] }).widgetEvents.map(
      ({ type, detail }) => ({ type, detail }),
    ),
  );
}

/**
 * How the page's widget events look to a host, one line per distinct kind, sorted: the type,
 * the exported class it is an instance of (from `/dist/voice-agent.js`, the module the page
 * loaded), and whether it bubbles and is composed. E.g.
 * `voice-agent-state: VoiceAgentStateEvent, bubbles, composed`.
 */
export async function widgetEventKinds(page: Page): Promise<string[]> {
  // A string: Vitest's transform would rewrite an import() inside a function for Node.
  await page.evaluate(`import('/dist/voice-agent.js').then((m) => { window.widgetModule = m; })`);
  return page.evaluate(() => {
    const { widgetModule } = window as unknown as { widgetModule: Record<string, unknown> };
    const classes = Object.entries(widgetModule).filter(
      (entry): entry is [string, typeof Event] =>
        /^VoiceAgent\w+Event$/.test(entry[0]) && typeof entry[1] === 'function',
    );
    const { widgetEvents } = window as unknown as { widgetEvents: { event: Event }[] };
    const kinds = widgetEvents.map(({ event }) => {
      const className = classes.find(([, type]) => event instanceof type)?.[0] ?? 'no class';
      const flags = [event.bubbles && 'bubbles', event.composed && 'composed'].filter(Boolean);
      return [`${event.type}: ${className}`, ...flags].join(', ');
    });
    return [...new Set(kinds)].sort();
  });
}

/** Waits until the page has seen `count` widget events of `type`; returns their details. */
export async function waitForEvents(
  page: Page,
  type: string,
  count = 1,
  timeoutMs = 20_000,
): Promise<unknown[]> {
  const handle = await page.waitForFunction(
    ([type, count]) => {
      const { widgetEvents } = window as unknown as { widgetEvents: RecordedEvent[] };
      const details = widgetEvents.filter((event) => event.type === type).map((e) => e.detail);
      return details.length >= count ? details : undefined;
    },
    [type, count] as const,
    { timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as unknown[];
}

/** Runs axe-core over the page (it enters open shadow roots) and returns the violations. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return result.violations as { id: string; nodes: { target: unknown }[] }[];
  });
  return violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}
