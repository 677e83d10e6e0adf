/** One answer the client gave to a function call. */
export interface ToolAnswer {
  connection: number;
  /** `response.output` (the result) as sent. */
  output?: unknown;
  /** `response.error` (how the API carries a failure) as sent. */
  error?: unknown;
}

/** A function call the stand-in sent, and what became of it. */
export interface ToolCallRecord {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** The connection it was sent on. */
  connection: number;
  /** Every `functionResponses` entry with its id, in order: a correct client answers once. */
  answers: ToolAnswer[];
  /** The stand-in sent `toolCallCancellation` for it. */
  cancelled: boolean;
}

/** Every function call sent and every answer received, by call id. */
export class ToolLedger {
  readonly #calls = new Map<string, ToolCallRecord>();
  /** Answers to ids the stand-in never sent. */
  readonly strayAnswers: (ToolAnswer & { id: string; name: string })[] = [];

  sent(connection: number, call: { id: string; name: string; args: Record<string, unknown> }) {
    this.#calls.set(call.id, { ...call, connection, answers: [], cancelled: false });
  }

  cancelled(ids: Iterable<string>): void {
    for (const id of ids) {
      const record = this.#calls.get(id);
      if (record) record.cancelled = true;
    }
  }

  answered(
    connection: number,
    response: { id?: string; name?: string; response?: { output?: unknown; error?: unknown } },
  ): void {
    const answer: ToolAnswer = { connection };
    if (response.response && 'output' in response.response)
      answer.output = response.response.output;
    if (response.response && 'error' in response.response) answer.error = response.response.error;
    const record = this.#calls.get(response.id ?? '');
    if (record) record.answers.push(answer);
    else this.strayAnswers.push({ ...answer, id: response.id ?? '', name: response.name ?? '' });
  }

  /** The calls in the order they were sent. */
  get calls(): ToolCallRecord[] {
    return [...this.#calls.values()];
  }
}
