import { makeToneWav, waitFor } from '@voice-agent/testing';
// Types only: the element's methods on `document.querySelector('voice-agent')`.
import type {} from '@voice-agent/widget';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  contextDeliveries,
  newestConnection,
  startCall,
  typedTurn,
} from './disruption-observer.js';
import { type OfflineStack, startOfflineStack } from './offline-stack.js';
import { eventsIn, stateSequence } from './page-recorder.js';

// `persist` in a real browser: the playground's pages (both carry `persist`), the real token
// service issuing resume tickets, the dev server, the real agent worker and the Gemini Live
// stand-in, which answers "who am I?" from the context its connection holds. A reload and a
// navigation are real page loads in Chromium. The visitor types (a silent microphone).

const GREETING = 'I am Ada, the concierge of Hotel Example.';
/** Where the widget keeps the call: `voice-agent:call:<id>@<token URL>`. */
const MEMORY_KEY = /^voice-agent:call:/;

let stack: OfflineStack;
let page: Page;
let widget: Locator;

const devServer = () => stack.devServer();
const standIn = () => stack.standIn();

async function loaded(url?: string): Promise<void> {
  if (url) await page.goto(url);
  else await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
}

async function reachesState(state: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => ((await stateSequence(page)).includes(state) ? true : undefined), {
    what: `the widget in state ${state}`,
    timeoutMs,
  });
}

/** The captions the panel shows, as the visitor reads them. */
const shownCaptions = () => widget.locator('[part~="caption"]').allTextContents();

/** The room the visitor's identity is in, and that identity. */
function visitorRoom(): { room: string; identity: string } {
  const rooms = devServer()
    .rooms()
    .filter((room) => room.participants.some((identity) => identity.startsWith('visitor-')));
  expect(rooms).toHaveLength(1);
  const [room] = rooms as [{ name: string; participants: string[] }];
  return {
    room: room.name,
    identity: room.participants.find((p) => p.startsWith('visitor-')) as string,
  };
}

const savedCall = () =>
  page.evaluate((pattern) => {
    const key = Object.keys(sessionStorage).find((k) => new RegExp(pattern).test(k));
    return key ? { key, value: sessionStorage.getItem(key) as string } : undefined;
  }, MEMORY_KEY.source);

beforeAll(async () => {
  stack = await startOfflineStack(await makeToneWav({ amplitude: 0, durationMs: 1_000 }));
  page = stack.page;
  widget = page.locator('voice-agent');
});

// A failure's cause is rarely in its message: print what the widget, the rooms and the model
// went through, and what the stack logged meanwhile.
beforeEach(({ onTestFailed }) => {
  const from = stack.logs.length;
  onTestFailed(async () => {
    console.error(
      [
        `widget states on this page: ${(await stateSequence(page)).join(' → ')}`,
        `rooms: ${JSON.stringify(devServer().rooms())}`,
        `jobs: ${JSON.stringify(devServer().jobs())}`,
        `connections: ${JSON.stringify(standIn().connections.map(({ context, ...c }) => c))}`,
        'stack logs:',
        ...stack.logs.slice(from),
      ].join('\n'),
    );
  });
});

afterAll(() => stack?.close());

describe('persist: the call survives reloads, navigation and remounts (offline demo mode)', () => {
  let first: { room: string; identity: string };
  let job: string | undefined;
  let ticketBeforeNavigation: { key: string; value: string } | undefined;

  it('keeps the room, the agent, the context and the captions across a reload', async () => {
    await startCall(page, GREETING);
    await typedTurn(page, 'My name is Grace', 'Nice to meet you');
    first = visitorRoom();
    job = devServer().jobs()[0]?.id;
    expect(await savedCall()).toBeDefined();

    await loaded();
    // The captions are there at once, before the call is back.
    expect((await shownCaptions()).some((text) => text.includes('Nice to meet you'))).toBe(true);
    await reachesState('listening');
    expect(visitorRoom()).toEqual(first);
    expect(
      devServer()
        .jobs()
        .map((j) => j.id),
    ).toEqual([job]);
    await typedTurn(page, 'Who am I?', 'Your name is Grace');
    // The page's tools, declared again, may move the agent to a new Gemini connection: each
    // got the conversation exactly once.
    expect(contextDeliveries(standIn(), 0).filter((d) => d.delivery !== 'once')).toEqual([]);
    expect((await shownCaptions()).some((text) => text.includes(GREETING))).toBe(true);
  });

  it('keeps it across a navigation to another page of the site', async () => {
    ticketBeforeNavigation = await savedCall();
    await loaded(new URL('/rooms.html', stack.playground.url).href);
    expect((await shownCaptions()).some((text) => text.includes('Your name is Grace'))).toBe(true);
    await reachesState('listening');
    expect(visitorRoom()).toEqual(first);
    expect(
      devServer()
        .jobs()
        .map((j) => j.id),
    ).toEqual([job]);
    await typedTurn(page, 'Who am I?', 'Your name is Grace');
    expect(contextDeliveries(standIn(), 0).filter((d) => d.delivery !== 'once')).toEqual([]);
    expect(await widget.locator('[part~="notice"]').count()).toBe(0);
  });

  it('keeps it when a single-page app removes the element and mounts a new one', async () => {
    const eventsBefore = (await eventsIn(page)).length;
    // As a router does on a route change: the old element goes, and a new one like it, with
    // the page's tool registered again (app.js's), comes.
    await page.evaluate(() => {
      const old = document.querySelector('voice-agent') as HTMLElement;
      const next = old.cloneNode(false) as HTMLElementTagNameMap['voice-agent'];
      next.registerTool<{ color: string }>({
        name: 'set_page_color',
        description: 'Repaint the background of the page the visitor is on',
        parameters: {
          type: 'object',
          properties: {
            color: { type: 'string', description: 'a CSS colour, e.g. #bfdbfe or teal' },
          },
          required: ['color'],
        },
        handler: ({ color }) => {
          document.body.style.backgroundColor = color;
          return { color };
        },
      });
      const parent = old.parentElement as HTMLElement;
      old.remove();
      parent.append(next);
    });
    // The new element shows the captions as soon as it has rendered (its persist code loads
    // first, as on a new page), then rejoins.
    await waitFor(
      async () =>
        (await shownCaptions()).some((text) => text.includes('Your name is Grace'))
          ? true
          : undefined,
      { what: 'the captions in the new element', timeoutMs: 5_000, intervalMs: 50 },
    );
    await waitFor(
      async () =>
        (await eventsIn(page))
          .slice(eventsBefore)
          .some((e) => e.type === 'voice-agent-state' && e.detail.state === 'listening')
          ? true
          : undefined,
      { what: 'the new element listening', timeoutMs: 30_000 },
    );
    expect(visitorRoom()).toEqual(first);
    expect(
      devServer()
        .jobs()
        .map((j) => j.id),
    ).toEqual([job]);
    await typedTurn(page, 'Who am I?', 'Your name is Grace');
    expect(contextDeliveries(standIn(), 0).filter((d) => d.delivery !== 'once')).toEqual([]);
    // The call went on: no element said it ended.
    expect(
      (await eventsIn(page)).slice(eventsBefore).filter((e) => e.type === 'voice-agent-ended'),
    ).toEqual([]);
  });

  it('refuses a replayed ticket: the widget starts a new call with a notice', async () => {
    // The ticket the last page load already used, put back as a copied tab would have it.
    const { key, value } = ticketBeforeNavigation as { key: string; value: string };
    await page.evaluate(([k, v]) => sessionStorage.setItem(k as string, v as string), [key, value]);
    await loaded();
    await reachesState('listening');
    await widget.locator('[part~="notice"]').waitFor();
    expect(await shownCaptions()).not.toContainEqual(expect.stringContaining('Grace'));
    const fresh = visitorRoomOtherThan(first.room);
    expect(fresh.identity).not.toBe(first.identity);
  });

  it('refuses a forged ticket the same way', async () => {
    const saved = await savedCall();
    expect(saved).toBeDefined();
    const { key, value } = saved as { key: string; value: string };
    const forged = { ...JSON.parse(value), ticket: 'eyJhbGciOiJIUzI1NiJ9.e30.forged' };
    await page.evaluate(
      ([k, v]) => sessionStorage.setItem(k as string, v as string),
      [key, JSON.stringify(forged)],
    );
    const roomsBefore = devServer()
      .rooms()
      .map((room) => room.name);
    await loaded();
    await reachesState('listening');
    await widget.locator('[part~="notice"]').waitFor();
    // A new room: the forged ticket entered none of the earlier ones.
    visitorRoomOtherThan(...roomsBefore);
  });

  it('without persist, a reload ends the call as before', async () => {
    await page.evaluate(() => document.querySelector('voice-agent')?.end());
    // The home page has the controls; the call ended, so nothing is resumed there.
    await loaded(stack.playground.url);
    await page.locator('input[name="persist"]').uncheck();
    const roomsBefore = devServer()
      .rooms()
      .map((r) => r.name);
    const connectionsBefore = newestConnection(standIn());
    await widget.getByRole('button', { name: 'Talk to our assistant' }).click();
    await reachesState('listening');
    visitorRoomOtherThan(...roomsBefore);
    await loaded();
    expect(await shownCaptions()).toEqual([]);
    expect(await savedCall()).toBeUndefined();
    // The page's leave is a hang-up: the agent ends its session (its model connections close)
    // at once, not after its grace period (30 s). Its job process and the room (kept for the
    // departure timeout, as on LiveKit) may take longer to go.
    await waitFor(
      () => {
        const call = standIn().connections.filter((c) => c.id > connectionsBefore);
        return call.length > 0 && call.every((c) => c.ended) ? true : undefined;
      },
      { what: "the call's agent session to end", timeoutMs: 20_000 },
    );
    expect(await stateSequence(page)).toEqual([]);
  });
});

/** The room a visitor is in now that is none of `rooms` (older rooms may still linger). */
function visitorRoomOtherThan(...rooms: string[]): { room: string; identity: string } {
  const found = devServer()
    .rooms()
    .filter(
      (room) =>
        !rooms.includes(room.name) &&
        room.participants.some((identity) => identity.startsWith('visitor-')),
    );
  expect(found).toHaveLength(1);
  const [room] = found as [{ name: string; participants: string[] }];
  return {
    room: room.name,
    identity: room.participants.find((p) => p.startsWith('visitor-')) as string,
  };
}
