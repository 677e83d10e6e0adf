import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  expectError,
  expectToken,
  PAGE_ORIGIN,
  TEST_CREDENTIALS,
  testService,
  tokenRequest,
  verifyToken,
} from '../testing/fixtures.js';

const OTHER_ORIGIN = 'http://127.0.0.1:5173';

interface TicketAnswer {
  participant_token: string;
  resume_ticket: string;
  resume_ticket_ttl_seconds: number;
}

async function answer(response: Response): Promise<TicketAnswer> {
  const body = (await response.clone().json()) as TicketAnswer;
  await expectToken(response);
  expect(typeof body.resume_ticket).toBe('string');
  return body;
}

const resume = (ticket: string, origin = PAGE_ORIGIN, extra: object = {}) =>
  tokenRequest({ resume_ticket: ticket, ...extra }, { origin });

afterEach(() => {
  vi.useRealTimers();
});

describe('resume tickets', () => {
  it('rejoins the same room as the same participant, with the same verified profile', async () => {
    const app = testService({
      authorize: () => ({ allow: true, visitor: { id: 'cust-42', name: 'Ada' } }),
    });
    const first = await answer(await app.request('/token', tokenRequest({})));
    expect(first.resume_ticket_ttl_seconds).toBe(300);
    const original = await verifyToken(first.participant_token);

    const resumed = await answer(await app.request('/token', resume(first.resume_ticket)));
    const claims = await verifyToken(resumed.participant_token);
    expect(claims.video?.room).toBe(original.video?.room);
    expect(claims.sub).toBe(original.sub);
    expect(claims.name).toBe('Ada');
    expect(claims.attributes).toEqual(original.attributes);
    expect(claims.roomConfig).toEqual(original.roomConfig);
    expect(claims.video).toEqual(original.video);
    // An ordinary token's lifetime: a ticket never makes a longer-lived token.
    expect((claims.exp as number) - (claims.nbf as number)).toBe(600);
    expect(resumed.resume_ticket).not.toBe(first.resume_ticket);
  });

  it('is used once: a replay and a second redemption at the same moment are refused', async () => {
    const app = testService();
    const { resume_ticket } = await answer(await app.request('/token', tokenRequest({})));
    const both = await Promise.all([
      app.request('/token', resume(resume_ticket)),
      app.request('/token', resume(resume_ticket)),
    ]);
    expect(both.map((response) => response.status).sort()).toEqual([200, 409]);
    const refused = both.find((response) => response.status === 409) as Response;
    await expectError(refused, 409, 'ticket_used');
    await expectError(await app.request('/token', resume(resume_ticket)), 409, 'ticket_used');
  });

  it('is refused from another origin, even an allowed one, and without an Origin', async () => {
    const app = testService({ allowedOrigins: [PAGE_ORIGIN, OTHER_ORIGIN] });
    const { resume_ticket } = await answer(await app.request('/token', tokenRequest({})));
    await expectError(
      await app.request('/token', resume(resume_ticket, OTHER_ORIGIN)),
      403,
      'ticket_wrong_origin',
    );
    // Refusals before the signature is accepted do not use the ticket up.
    await answer(await app.request('/token', resume(resume_ticket)));
  });

  it('is refused after it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = testService({ resumeTickets: { ttlSeconds: 60 } });
    const { resume_ticket } = await answer(await app.request('/token', tokenRequest({})));
    vi.setSystemTime(Date.now() + 61_000);
    await expectError(await app.request('/token', resume(resume_ticket)), 401, 'ticket_expired');
  });

  it('is refused when forged, tampered with, or a LiveKit token in its place', async () => {
    const app = testService();
    const { resume_ticket, participant_token } = await answer(
      await app.request('/token', tokenRequest({})),
    );
    const [header, payload, signature] = resume_ticket.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = Buffer.from(JSON.stringify({ ...claims, room: 'voice-other' })).toString(
      'base64url',
    );
    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'voice-agent-resume+jwt' })
      .sign(new TextEncoder().encode(TEST_CREDENTIALS.apiSecret));
    for (const ticket of [`${header}.${tampered}.${signature}`, forged, participant_token, 'x']) {
      await expectError(await app.request('/token', resume(ticket)), 401, 'ticket_invalid');
    }
  });

  it('never enters another room or identity, and is not a LiveKit token', async () => {
    const app = testService();
    const first = await answer(await app.request('/token', tokenRequest({})));
    await expectError(
      await app.request('/token', resume(first.resume_ticket, PAGE_ORIGIN, { room_name: 'x' })),
      403,
      'room_not_allowed',
    );
    const second = await answer(await app.request('/token', tokenRequest({})));
    await expectError(
      await app.request(
        '/token',
        resume(second.resume_ticket, PAGE_ORIGIN, { participant_identity: 'visitor-x' }),
      ),
      403,
      'identity_not_allowed',
    );
    await expect(verifyToken(first.resume_ticket)).rejects.toThrow();
  });

  it('asks the authorize hook, which can refuse a visitor who has logged out', async () => {
    const asked: unknown[] = [];
    let signedIn = true;
    const app = testService({
      authorize: ({ resume }) => {
        asked.push(resume);
        return signedIn;
      },
    });
    const first = await answer(await app.request('/token', tokenRequest({})));
    const { sub, video } = await verifyToken(first.participant_token);
    const second = await answer(await app.request('/token', resume(first.resume_ticket)));
    signedIn = false;
    await expectError(
      await app.request('/token', resume(second.resume_ticket)),
      401,
      'unauthorized',
    );
    expect(asked).toEqual([
      undefined,
      { roomName: video?.room, identity: sub },
      { roomName: video?.room, identity: sub },
    ]);
  });

  it('is swapped for a fresh one during the call by POST /ticket', async () => {
    const app = testService();
    const first = await answer(await app.request('/token', tokenRequest({})));
    const swap = await app.request('/ticket', resume(first.resume_ticket));
    expect(swap.status).toBe(200);
    expect(swap.headers.get('cache-control')).toBe('no-store');
    const fresh = (await swap.json()) as TicketAnswer;
    expect(Object.keys(fresh).sort()).toEqual(['resume_ticket', 'resume_ticket_ttl_seconds']);
    await expectError(await app.request('/token', resume(first.resume_ticket)), 409, 'ticket_used');
    const resumed = await answer(await app.request('/token', resume(fresh.resume_ticket)));
    expect((await verifyToken(resumed.participant_token)).sub).toBe(
      (await verifyToken(first.participant_token)).sub,
    );
    await expectError(await app.request('/ticket', tokenRequest({})), 400, 'invalid_request');
  });

  it('is left out without an Origin, and everywhere when turned off', async () => {
    const anyOrigin = testService({ allowedOrigins: ['*'] });
    const served = await anyOrigin.request('/token', tokenRequest({}, { origin: null }));
    expect(await served.clone().json()).not.toHaveProperty('resume_ticket');
    await expectToken(served);
    const { resume_ticket } = await answer(await anyOrigin.request('/token', tokenRequest({})));
    await expectError(
      await anyOrigin.request('/token', tokenRequest({ resume_ticket }, { origin: null })),
      403,
      'ticket_wrong_origin',
    );

    const off = testService({ resumeTickets: false });
    const body = await (await off.request('/token', tokenRequest({}))).json();
    expect(body).not.toHaveProperty('resume_ticket');
    await expectError(await off.request('/token', resume('anything')), 401, 'ticket_invalid');
    await expectError(await off.request('/ticket', resume('anything')), 404, 'not_found');
  });
});
