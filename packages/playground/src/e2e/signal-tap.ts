import type { Page } from 'playwright-core';

interface SignalTap {
  sockets: WebSocket[];
  received: string[];
}

/**
 * Runs in the page before its scripts (`context.addInitScript(recordSignal)`): keeps the
 * LiveKit signal WebSockets the page opens and every binary message they receive. This is
 * what a hostile page can do to the widget's own connection, with no help from the widget.
 */
export function recordSignal(): void {
  const Native = window.WebSocket;
  const tap: SignalTap = { sockets: [], received: [] };
  (window as unknown as { signalTap: SignalTap }).signalTap = tap;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      if (!new URL(String(url)).pathname.startsWith('/rtc')) return;
      tap.sockets.push(this);
      this.addEventListener('message', (event: MessageEvent) => {
        if (event.data instanceof ArrayBuffer) {
          tap.received.push(btoa(String.fromCharCode(...new Uint8Array(event.data))));
        }
      });
    }
  };
}

/** Sends raw bytes (a protobuf `SignalRequest`) on the page's latest signal connection. */
export async function sendSignal(page: Page, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    (data) => {
      const tap = (window as unknown as { signalTap: SignalTap }).signalTap;
      const socket = tap.sockets.at(-1);
      if (!socket) throw new Error('no signal connection');
      socket.send(new Uint8Array(data));
    },
    [...bytes],
  );
}

/** Every binary signal message the page has received (protobuf `SignalResponse`s). */
export async function signalReceived(page: Page): Promise<Uint8Array[]> {
  const received = await page.evaluate(
    () => (window as unknown as { signalTap: SignalTap }).signalTap.received,
  );
  return received.map((base64) => new Uint8Array(Buffer.from(base64, 'base64')));
}
