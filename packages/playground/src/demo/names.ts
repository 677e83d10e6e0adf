import {
  type ContextTurn,
  recallingTurn,
  type ServerEvent,
  spokenTurn,
} from '@voice-agent/agent/testing';
import { chimeFor } from './voice.js';

/** "My name is Ada": the visitor introduces themself (a letter-led word). */
const INTRODUCTION = /\bmy name is (\p{L}[\p{L}'-]*)/iu;
const QUESTION = /\b(what(?:'s| is) my name|who am i)\b/i;

/** The visitor's latest typed turn the model holds (the framework's `.` placeholder aside). */
export function latestTypedText(context: ContextTurn[]): string {
  for (const turn of [...context].reverse()) {
    const typed = turn.source === 'clientContent' || turn.source === 'realtimeText';
    const text = turn.text.trim();
    if (turn.role === 'user' && typed && text && text !== '.') return text;
  }
  return '';
}

/**
 * The demo's memory: it greets a visitor who gives their name, and answers "what is my
 * name?" from what the model's connection holds, so a lost context shows at once.
 */
export function answerAboutNames(text: string): ServerEvent[] | undefined {
  const name = INTRODUCTION.exec(text)?.[1];
  if (name) {
    const answer = `Nice to meet you, ${name}.`;
    return spokenTurn(answer, chimeFor(answer));
  }
  if (!QUESTION.test(text)) return undefined;
  return recallingTurn(
    {
      pattern: INTRODUCTION,
      answer: 'Your name is $1.',
      otherwise: 'I do not know your name yet: tell me "My name is …".',
    },
    chimeFor('Your name is something.'),
  );
}
