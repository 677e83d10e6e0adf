import { setTimeout as sleep } from 'node:timers/promises';
import type { DevServer } from '@voice-agent/devserver';
import { waitFor } from '@voice-agent/testing';
import type { Page } from 'playwright-core';
import type { NetworkCut } from '../e2e/network-cut.js';
import { clock, currentState, navigationTimes, savedTicket, stateAfter } from './resume-page.js';

/** The dev server's ping timeout in the section: the client notices a cut within it. */
export const PING_TIMEOUT_S = 4;
/** The shortest cut; each try's cut is longer by a step, so restores land all over the retries. */
const CUT_MS = 5_000;
const CUT_STEP_MS = 750;
const CUT_STEPS = 4;
/** Waits of one try: the widget noticing the cut, coming back, a reload's call rejoining. */
const NOTICE_LIMIT_MS = 10_000;
const BACK_LIMIT_MS = 20_000;
/** The connection settles before the next try (ICE, the ticket kept for the next page). */
const SETTLE_MS = 1_000;

/** A reload: from the new page's navigation start, and from its load event, to `listening`. */
export interface ReloadTry {
  fromNavigationMs: number;
  fromLoadMs: number;
}

/** The room the visitor is in (identity `visitor-…`), and that identity. */
export function visitorRoom(devServer: DevServer): string {
  const rooms = devServer
    .rooms()
    .filter((room) => room.participants.some((identity) => identity.startsWith('visitor-')));
  if (rooms.length !== 1) throw new Error(`the visitor is in ${rooms.length} rooms`);
  const [room] = rooms as [{ name: string; participants: string[] }];
  const visitors = new Set(room.participants.filter((p) => p.startsWith('visitor-')));
  return `${room.name}/${[...visitors].join(',')}`;
}

async function listening(page: Page): Promise<void> {
  await waitFor(async () => ((await currentState(page)) === 'listening' ? true : undefined), {
    timeoutMs: BACK_LIMIT_MS,
    intervalMs: 50,
    what: 'the widget listening before the try',
  });
}

/**
 * Try `index`: cuts Chromium's network (both ways, for real) while the agent listens, until
 * the widget has shown that it lost the connection and the cut's length has passed; restores
 * it and returns the time from the restore to the widget's `listening` again, in the same
 * room as the same visitor.
 */
export async function networkTry(
  page: Page,
  network: NetworkCut,
  devServer: DevServer,
  index: number,
): Promise<number> {
  await listening(page);
  const room = visitorRoom(devServer);
  const cutMs = CUT_MS + (index % CUT_STEPS) * CUT_STEP_MS;
  const cutAt = clock();
  await network.cut();
  try {
    await stateAfter(page, cutAt, (s) => s !== 'listening', NOTICE_LIMIT_MS, 'the cut noticed');
    await sleep(Math.max(0, cutAt + cutMs - clock()));
  } finally {
    await network.restore();
  }
  const restoredAt = clock();
  const back = await stateAfter(
    page,
    restoredAt,
    (s) => s === 'listening',
    BACK_LIMIT_MS,
    'listening after the network came back',
  );
  const after = visitorRoom(devServer);
  if (after !== room) throw new Error(`the network came back to ${after}, not ${room}`);
  await sleep(SETTLE_MS);
  return back.at - restoredAt;
}

/**
 * A reload in the middle of the call (`persist`): returns the time from the new page's
 * navigation start and from its load event to the widget's `listening`, in the same room as
 * the same visitor.
 */
export async function reloadTry(page: Page, devServer: DevServer): Promise<ReloadTry> {
  await listening(page);
  const room = visitorRoom(devServer);
  const ticket = await savedTicket(page);
  if (!ticket) throw new Error('no resume ticket saved before the reload');
  await page.reload({ waitUntil: 'load', timeout: BACK_LIMIT_MS });
  const { start, loaded } = await navigationTimes(page);
  const back = await stateAfter(
    page,
    start,
    (s) => s === 'listening',
    BACK_LIMIT_MS,
    'listening after the reload',
  );
  const after = visitorRoom(devServer);
  if (after !== room) throw new Error(`the reload came back to ${after}, not ${room}`);
  // The next reload needs the ticket this page load was given.
  await waitFor(async () => ((await savedTicket(page)) !== ticket ? true : undefined), {
    timeoutMs: BACK_LIMIT_MS,
    what: 'a new resume ticket saved',
  });
  await sleep(SETTLE_MS);
  return { fromNavigationMs: back.at - start, fromLoadMs: back.at - loaded };
}
