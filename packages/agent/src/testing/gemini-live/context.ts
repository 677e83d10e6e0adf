/** Where a turn of a connection's context came from. */
export type ContextSource =
  /** Restored from the resumption handle the client gave in `setup`. */
  | 'restored'
  /** A `clientContent` turn: replayed history, typed text, instructions. */
  | 'clientContent'
  /** `realtimeInput.text`. */
  | 'realtimeText'
  /** What the stand-in sent as `inputTranscription` (the visitor's speech). */
  | 'inputTranscription'
  /** What the stand-in sent as `outputTranscription` (the model's speech). */
  | 'outputTranscription';

/** One turn the model "knows" on a connection. */
export interface ContextTurn {
  role: 'user' | 'model';
  text: string;
  source: ContextSource;
  /** Arrival order across the whole stand-in, to tell what came before a reconnect. */
  seq: number;
}

let nextSeq = 0;

/** The next arrival number (shared by every connection). */
export function sequence(): number {
  nextSeq += 1;
  return nextSeq;
}

/** A turn's text as compared across connections: trimmed, spaces collapsed. */
export function normalized(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Whether a user turn says something (the plugin's `.` reply placeholder does not). */
export function meaningful(turn: ContextTurn): boolean {
  const text = normalized(turn.text);
  return turn.role === 'user' && text !== '' && text !== '.';
}

/** The turns of a `clientContent` message, as context turns. */
export function clientContentTurns(clientContent: Record<string, unknown>): ContextTurn[] {
  const turns = (clientContent.turns ?? []) as { role?: string; parts?: { text?: string }[] }[];
  return turns.flatMap((turn) => {
    const text = (turn.parts ?? []).map((part) => part.text ?? '').join('');
    if (!text) return [];
    const role = turn.role === 'model' ? 'model' : 'user';
    return [{ role, text, source: 'clientContent', seq: sequence() } satisfies ContextTurn];
  });
}

/**
 * Adds a transcription chunk: chunks extend the latest turn of the same source (Gemini
 * splits transcripts in pieces, and may send them after `turnComplete`).
 */
export function addTranscript(
  context: ContextTurn[],
  source: 'inputTranscription' | 'outputTranscription',
  text: string,
): void {
  const last = context.at(-1);
  if (last?.source === source) {
    last.text += text;
    return;
  }
  const role = source === 'inputTranscription' ? 'user' : 'model';
  context.push({ role, text, source, seq: sequence() });
}

/** `answer` filled from the latest user turn matching `pattern`, else `otherwise`. */
export function recall(
  context: ContextTurn[],
  { pattern, answer, otherwise }: { pattern: RegExp | string; answer: string; otherwise: string },
): string {
  const regex = typeof pattern === 'string' ? new RegExp(pattern, 'i') : pattern;
  for (const turn of [...context].reverse()) {
    if (turn.role !== 'user') continue;
    const match = regex.exec(turn.text);
    if (match) return answer.replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? '');
  }
  return otherwise;
}
