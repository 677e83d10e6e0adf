import { llm, log } from '@livekit/agents';
import { FRAMEWORK_INDEX, requireFrameworkVersion } from './framework-version.js';
import { FrameworkShapeError } from './google-plugin.js';

/**
 * @livekit/agents 1.9.0 drops the function calls of a realtime turn that is interrupted while
 * its tools run (livekit/agents-js#2249): Gemini then waits for their answers for the rest of
 * the call, and the Google plugin holds back the microphone while any call is unanswered.
 * This answers them, as the framework's fix would, right where the framework gives up on
 * them: each call gets its output if its tool finished, else an error.
 */
requireFrameworkVersion('interrupted tool call', '1.9.0');

/** One tool call the realtime session still owes Gemini an answer for. */
export interface OpenCall {
  callId: string;
  name: string;
}

/** What the fix needs from a realtime session: its open calls. */
export interface AnswersOpenCalls {
  openToolCalls(): OpenCall[];
}

interface ToolOutputEntry {
  agentTask?: unknown;
  toolCallOutput?: llm.FunctionCallOutput;
}

interface Activity {
  realtimeSession?: llm.RealtimeSession & Partial<AnswersOpenCalls>;
  _commitInterruptedToolOutputs(toolOutput: unknown, speechHandle: unknown): void;
}

type CancelToolExecutions = (
  this: Activity,
  task: unknown,
  speechHandle: { interrupted: boolean; id: string },
  toolOutput: { output: ToolOutputEntry[] },
) => Promise<void>;

const { AgentActivity } = (await import(
  new URL('./voice/agent_activity.js', FRAMEWORK_INDEX).href
)) as {
  AgentActivity?: { prototype: Record<string, unknown> };
};
const proto = AgentActivity?.prototype;
if (
  typeof proto?.cancelToolExecutions !== 'function' ||
  typeof proto._commitInterruptedToolOutputs !== 'function'
) {
  throw new FrameworkShapeError('AgentActivity.cancelToolExecutions is gone');
}
const cancelToolExecutions = proto.cancelToolExecutions as CancelToolExecutions;

const answerInterruptedCalls: CancelToolExecutions = async function (
  task,
  speechHandle,
  toolOutput,
) {
  await cancelToolExecutions.call(this, task, speechHandle, toolOutput);
  const session = this.realtimeSession;
  if (!speechHandle.interrupted || typeof session?.openToolCalls !== 'function') return;
  this._commitInterruptedToolOutputs(toolOutput, speechHandle);
  const outputs = toolOutput.output
    .filter((entry) => entry.agentTask === undefined && entry.toolCallOutput !== undefined)
    .map((entry) => entry.toolCallOutput as llm.FunctionCallOutput);
  const answered = new Set(outputs.map((output) => output.callId));
  for (const call of session.openToolCalls()) {
    if (answered.has(call.callId)) continue;
    outputs.push(
      llm.FunctionCallOutput.create({
        callId: call.callId,
        name: call.name,
        output: 'The call was interrupted before it finished.',
        isError: true,
      }),
    );
  }
  if (outputs.length === 0) return;
  const chatCtx = session.chatCtx.copy();
  chatCtx.items.push(...outputs);
  try {
    await session.updateChatCtx(chatCtx);
  } catch (error) {
    log().warn({ error, speech_id: speechHandle.id }, 'could not answer an interrupted turn');
  }
};

proto.cancelToolExecutions = answerInterruptedCalls;
