import { z } from "zod";
import {
  InputField,
  OutputField,
  Signature,
  formatIssuesForReask,
  parseOutputs,
  renderSystemPrompt,
  renderUserMessage,
  validateInputs,
} from "../index.js";

class QASignature extends Signature {
  static override description = "Answer the user's question.";
  question = InputField({ description: "User question" }); // schema defaults to z.string()
  answer = OutputField({ description: "Detailed answer" });
  confidence = OutputField({ description: "Confidence score 0.0-1.0", schema: z.number().min(0).max(1) });
}

const qa = new QASignature();
const inputs = validateInputs(qa, { question: "What is 2+2?" }); // { question: string }

console.log(renderSystemPrompt(qa));
console.log(renderUserMessage(qa, inputs));

const good = parseOutputs(qa, 'Sure!\n```json\n{"answer": "4", "confidence": 0.98}\n```');
if (good.ok) console.log(good.value.answer, good.value.confidence); // 4 0.98

const bad = parseOutputs(qa, '{"answer": "4", "confidence": "high"}');
if (!bad.ok) console.log(formatIssuesForReask(bad.issues));
