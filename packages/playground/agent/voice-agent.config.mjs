// The playground's agent: Ada, the concierge of a demo hotel. `npm start` runs the worker
// with this file; PLAYGROUND_BACKEND_URL points the HTTP tool at the example backend.
import { defineAgentConfig, serverTool } from '@voice-agent/agent';

const RATES = { single: 90, double: 120 };
const backend = process.env.PLAYGROUND_BACKEND_URL ?? 'http://127.0.0.1:8788';

export default defineAgentConfig({
  // {{visitor.…}} is the signed-in visitor from the token (the example site's login); the
  // text after | is what an anonymous visitor gets.
  instructions:
    'You are Ada, the concierge of Hotel Example. Be brief and warm. You can tell room ' +
    'rates, book a table in the restaurant, look up the status of the visitor’s own orders ' +
    'from the hotel shop, and repaint the page the visitor is on. You are talking to ' +
    '{{visitor.name|a visitor who is not signed in}} (plan {{visitor.claims.plan|none}}).',
  voice: 'Kore',
  greeting:
    'Hello {{visitor.name|there}}, I am Ada, the concierge of Hotel Example. How can I help?',
  tools: {
    // A server tool: runs inside the agent's job process.
    server: [
      serverTool({
        name: 'room_rate',
        description: 'The nightly rate of a room type, in euros',
        parameters: {
          type: 'object',
          properties: { roomType: { type: 'string', enum: ['single', 'double'] } },
          required: ['roomType'],
        },
        execute: async ({ roomType }) => ({
          roomType,
          eur: RATES[roomType] ?? RATES.double,
        }),
      }),
    ],
    // An HTTP tool: a signed POST to the host's backend (here, the example backend).
    http: [
      {
        name: 'book_table',
        description: 'Book a table in the hotel restaurant',
        url: `${backend}/book-table`,
        parameters: {
          type: 'object',
          properties: {
            guests: { type: 'integer', minimum: 1 },
            time: { type: 'string', description: 'HH:MM, 24-hour clock' },
          },
          required: ['guests', 'time'],
        },
      },
      // The backend answers only for the signed-in visitor the request carries (signed).
      {
        name: 'order_status',
        description: 'The status and delivery day of one of the visitor’s own shop orders',
        url: `${backend}/order-status`,
        parameters: {
          type: 'object',
          properties: {
            orderId: { type: 'string', description: 'e.g. ORD-1001-A; omit for the latest' },
          },
        },
      },
    ],
  },
  // The playground page registers set_page_color; nothing else may be declared.
  clientTools: { enabled: true, allow: ['set_page_color'] },
});
