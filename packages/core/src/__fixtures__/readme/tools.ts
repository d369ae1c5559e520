import { z } from "zod";
import { InputField, OutputField, Signature } from "@kaizen/signatures";
import { BaseAgent, BaseAgentConfig, getRunInfo, tool } from "../../index.js";

class TripSignature extends Signature {
  static override description = "Plan what to pack for a trip.";
  request = InputField({ description: "The traveller's request" });
  plan = OutputField({ description: "What to pack, and why" });
}

const weather = tool({
  name: "get_weather",
  description: "Current weather for a city",
  input: z.object({ city: z.string() }),
  execute: async ({ city }, { signal }) => {
    signal.throwIfAborted(); // a real tool passes the signal on to its own I/O
    return { city, tempC: 21 };
  },
});

const agent = new BaseAgent({
  config: new BaseAgentConfig({ llmProvider: "openai", model: "gpt-4o", useAsyncLlm: true, maxCycles: 3 }),
  signature: new TripSignature(),
  tools: [weather],
});

const trip = await agent.runAsync({ request: "Check get_weather, then tell me what to pack for Paris." });
console.log(typeof trip.plan); // "string": the signature's output, validated as ever
for (const step of getRunInfo(trip)!.steps) {
  for (const call of step.toolCalls) console.log(call.name, call.status, JSON.stringify(call.output));
}

await agent.close();
