import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BufferMemory } from "@kaizen/memory";
import { BaseAgent, BaseAgentConfig } from "../../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" });
  answer = OutputField({ description: "Response" });
}

const config = new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o", useAsyncLlm: true, memoryMaxTurns: 20 });
// BufferMemory lives in this process; SqliteMemory survives restarts; RedisMemory and
// PostgresMemory are shared by several app instances (async only: use runAsync with them).
const memory = new BufferMemory();
const agent = new BaseAgent({ config, signature: new QASignature(), memory });

await agent.runAsync({ question: "My name is Ada." }, { sessionId: "user-42" });
// The model sees the first exchange as real prior messages before this question.
const second = await agent.runAsync({ question: "What is my name?" }, { sessionId: "user-42" });
console.log(second.answer);
console.log(memory.load("user-42").turns.length); // 2

await agent.close();
await memory.close(); // the memory is yours: agent.close() leaves it open
