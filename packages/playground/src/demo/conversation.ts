import {
  type Reaction,
  type ReceivedMessage,
  type ServerEvent,
  spokenTurn,
  toolCallTurn,
} from '@voice-agent/agent/testing';
import { answerAboutNames, latestTypedText } from './names.js';
import { chimeFor } from './voice.js';

/** Colours the demo paints the page with, in turn, each time the visitor speaks. */
export const DEMO_COLORS = ['#fde68a', '#bbf7d0', '#bfdbfe', '#fbcfe8', '#ddd6fe'];

/** What the demo's caption says the visitor said: the stand-in does no speech recognition. */
export const HEARD_CAPTION = '(offline demo: speech heard)';

const HELP =
  'In offline demo mode I know a few tricks: speak and I repaint the page, or type ' +
  '"book a table for 4 at 19:30", "room rate single", "where is my order?", "paint the page blue", or ' +
  '"my name is …" and later "what is my name?".';

interface Turn {
  role?: string;
  parts?: { text?: string }[];
}

function turnsOf(message: ReceivedMessage): Turn[] {
  return (message.message.clientContent?.turns as Turn[] | undefined) ?? [];
}

function textOf(turn: Turn): string {
  return (turn.parts ?? []).map((part) => part.text ?? '').join('');
}

/** The greeting the agent asked for (`Greet the visitor by saying exactly: "…"`), if any. */
function greetingIn(message: ReceivedMessage): string | undefined {
  for (const turn of turnsOf(message)) {
    const quoted = /saying exactly: (".*")\s*$/s.exec(textOf(turn))?.[1];
    if (quoted) return JSON.parse(quoted) as string;
  }
  return undefined;
}

function say(text: string): ServerEvent[] {
  return spokenTurn(text, chimeFor(text));
}

const NAMED_COLORS: Record<string, string> = {
  red: '#fecaca',
  orange: '#fed7aa',
  yellow: '#fde68a',
  green: '#bbf7d0',
  blue: '#bfdbfe',
  purple: '#ddd6fe',
  pink: '#fbcfe8',
  white: '#ffffff',
};

/** The scripted answer to typed text: one of the tools, or help. */
function answerTyped(text: string): ServerEvent[] {
  const aboutNames = answerAboutNames(text);
  if (aboutNames) return aboutNames;
  // The shop's orders (HTTP tool order_status): the backend knows whose, from the token.
  if (/\border|deliver|arriv|parcel/i.test(text)) {
    const orderId = /\bORD-\d+-[A-Z]\b/i.exec(text)?.[0];
    return toolCallTurn({ name: 'order_status', args: orderId ? { orderId } : {} });
  }
  if (/book|table|reserv/i.test(text)) {
    const guests = Number(/(\d+)\s*(?:people|persons|guests)?/i.exec(text)?.[1] ?? 2);
    const time = /\b(\d{1,2}[:.h]\d{2})\b/.exec(text)?.[1]?.replace(/[.h]/, ':') ?? '19:30';
    return toolCallTurn({ name: 'book_table', args: { guests, time } });
  }
  if (/rate|price|room|night/i.test(text)) {
    return toolCallTurn({
      name: 'room_rate',
      args: { roomType: /single/i.test(text) ? 'single' : 'double' },
    });
  }
  const named = Object.keys(NAMED_COLORS).find((name) =>
    new RegExp(`\\b${name}\\b`, 'i').test(text),
  );
  if (/colou?r|paint/i.test(text) || named) {
    return toolCallTurn({
      name: 'set_page_color',
      args: { color: NAMED_COLORS[named ?? 'blue'] ?? '#bfdbfe' },
    });
  }
  return say(`You wrote: "${text.slice(0, 200)}". ${HELP}`);
}

function parseOutput(output: unknown): Record<string, unknown> {
  if (typeof output !== 'string') return (output as Record<string, unknown>) ?? {};
  try {
    const parsed = JSON.parse(output) as unknown;
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : { value: parsed };
  } catch {
    return { value: output };
  }
}

/** The scripted answer once a tool's result is back: it reads the result aloud. */
function answerToolResult(received: ReceivedMessage): ServerEvent[] {
  const responses =
    (received.message.toolResponse?.functionResponses as {
      name?: string;
      response?: { output?: unknown; error?: unknown };
    }[]) ?? [];
  const sentences = responses.map(({ name, response }) => {
    if (response?.error !== undefined || response?.output === undefined) {
      return `The tool ${name} failed, so nothing happened.`;
    }
    const result = parseOutput(response.output);
    switch (name) {
      case 'set_page_color':
        return `Done: the page is now ${String(result.color ?? 'repainted')}.`;
      case 'book_table':
        return result.confirmed
          ? `Your table for ${result.guests} at ${result.time} is booked, reference ${result.reference}.`
          : `I could not book that table: ${String(result.reason ?? 'the restaurant said no')}`;
      case 'order_status':
        return result.found
          ? `Your order ${result.orderId}, ${result.item}, is ${result.status} and arrives ${result.arrives}.`
          : `I am sorry, I cannot look that up: ${String(result.reason ?? 'the shop said no')}`;
      case 'room_rate':
        return `A ${result.roomType} room is ${result.eur} euros a night.`;
      default:
        return `The tool ${name} answered.`;
    }
  });
  return say(sentences.join(' '));
}

/**
 * The offline demo: a scripted, reactive conversation on the Gemini Live stand-in. It speaks
 * the configured greeting, answers speech by repainting the page (the page's client tool),
 * answers typed text with the HTTP tool, the server tool or the client tool, and reads every
 * tool result back. It remembers the visitor's name as the model would: from the context its
 * connection holds, so a reconnect that loses (or doubles) the context shows. Its "voice" is a chime; its captions are real text.
 */
export function offlineDemoReactions(): Reaction[] {
  let spoken = 0;
  return [
    {
      on: 'clientTurn',
      reply: (received, context) => {
        const greeting = greetingIn(received);
        if (greeting) return say(`${greeting} (Offline demo mode.) ${HELP}`);
        return answerTyped(latestTypedText(context));
      },
    },
    {
      on: 'speech',
      minLevel: 0.02,
      minMs: 300,
      reply: () => {
        const color = DEMO_COLORS[spoken++ % DEMO_COLORS.length] ?? '#fde68a';
        return [
          { type: 'inputTranscription', text: HEARD_CAPTION },
          ...toolCallTurn({ name: 'set_page_color', args: { color } }),
        ];
      },
    },
    { on: 'toolResponse', reply: answerToolResult },
  ];
}
