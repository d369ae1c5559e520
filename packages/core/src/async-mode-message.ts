// Kaizen for Python's ValueError message, in TypeScript terms. Tests and docs quote it exactly.
export const ASYNC_MODE_MESSAGE = `Agent not configured for async mode.
Set useAsyncLlm: true in BaseAgentConfig:

const config = new BaseAgentConfig({
  llmProvider: 'openai',
  model: 'gpt-4',
  useAsyncLlm: true, // Enable async mode
});`;
