import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizeHook, Visitor } from '@voice-agent/server';

/** The login cookie the example backend sets: an opaque session id, HttpOnly. */
export const SESSION_COOKIE = 'demo_session';

/** A customer of the demo shop, with the orders only they may ask about. */
export interface DemoCustomer {
  id: string;
  name: string;
  plan: string;
  locale: string;
}

/** The demo's customers: the login form signs in as one of them (no password: a demo). */
export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  { id: 'cust-1001', name: 'Grace Hopper', plan: 'gold', locale: 'en-GB' },
  { id: 'cust-2002', name: 'Alan Turing', plan: 'basic', locale: 'en-GB' },
];

/** The value of one cookie in a `Cookie` header. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * The example site's own login: sessions in memory, a cookie per session. It answers
 * `POST /account/login` (`{ "customer": "cust-1001" }`), `POST /account/logout` and
 * `GET /account/me`, and gives the token service its `authorize` hook.
 */
export class DemoAccounts {
  readonly #sessions = new Map<string, DemoCustomer>();
  readonly #customers = new Map(DEMO_CUSTOMERS.map((customer) => [customer.id, customer]));

  /** Opens an account, e.g. one whose name tests how the agent treats odd data. */
  add(customer: DemoCustomer): void {
    this.#customers.set(customer.id, customer);
  }

  /** The signed-in customer of a request, by its login cookie. */
  customerOf(cookieHeader: string | null | undefined): DemoCustomer | undefined {
    const session = cookieValue(cookieHeader, SESSION_COOKIE);
    return session === undefined ? undefined : this.#sessions.get(session);
  }

  /**
   * The token service's hook: a signed-in customer becomes the token's verified visitor;
   * anyone else still gets a token, as an anonymous visitor.
   */
  readonly authorize: AuthorizeHook = ({ request }) => {
    const customer = this.customerOf(request.headers.get('cookie'));
    if (!customer) return true;
    const visitor: Visitor = {
      id: customer.id,
      name: customer.name,
      claims: { plan: customer.plan, locale: customer.locale },
    };
    return { allow: true, visitor };
  };

  /** Signs a customer in and returns the `Set-Cookie` value. */
  signIn(customerId: string): string | undefined {
    const customer = this.#customers.get(customerId);
    if (!customer) return undefined;
    const session = randomBytes(18).toString('base64url');
    this.#sessions.set(session, customer);
    return `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`;
  }

  /** Handles `/account/*`; false for other paths. */
  handle(request: IncomingMessage, response: ServerResponse, path: string): boolean {
    if (!path.startsWith('/account/')) return false;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      response
        .writeHead(status, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          ...headers,
        })
        .end(JSON.stringify(body));
    const action = `${request.method} ${path}`;
    if (action === 'GET /account/me') {
      const customer = this.customerOf(request.headers.cookie);
      reply(200, customer ? { id: customer.id, name: customer.name } : null);
    } else if (action === 'POST /account/logout') {
      const session = cookieValue(request.headers.cookie, SESSION_COOKIE);
      if (session) this.#sessions.delete(session);
      reply(200, null, { 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0` });
    } else if (action === 'POST /account/login') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        let customerId: unknown;
        try {
          customerId = (
            JSON.parse(Buffer.concat(chunks).toString('utf8')) as { customer?: unknown }
          ).customer;
        } catch {
          customerId = undefined;
        }
        const cookie = typeof customerId === 'string' ? this.signIn(customerId) : undefined;
        if (!cookie) reply(400, { error: 'unknown_customer' });
        else reply(200, { id: customerId }, { 'set-cookie': cookie });
      });
    } else {
      reply(404, { error: 'not_found' });
    }
    return true;
  }
}
