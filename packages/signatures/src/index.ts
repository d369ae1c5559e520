// @kaizen/signatures: typed signatures that become prompts, JSON Schemas and validated outputs.
export { Signature, signature } from "./signature.js";
export type { AnySignature, SignatureOf, SignatureSpec } from "./signature.js";
export { InputField, OutputField } from "./field.js";
export type {
  AnyFieldDef,
  AnyInputFieldDef,
  AnyOutputFieldDef,
  InputFieldDef,
  InputFieldOptions,
  InputFieldWithDefaultOptions,
  OutputFieldDef,
  OutputFieldOptions,
} from "./field.js";
export type { InferInputs, InferOutputs, InferValidatedInputs, InputKeys, OutputKeys } from "./infer.js";
export { describeSignature, outputJsonSchema, outputSchemaName, RESERVED_FIELD_NAMES } from "./compile.js";
export type { FieldShape, SignatureShape } from "./compile.js";
export { validateInputs } from "./inputs.js";
export { renderSystemPrompt, renderUserContent, renderUserMessage } from "./prompt.js";
export { DEFAULT_IMAGE_MAX_BYTES, ImageField, imageAsText, imageReference, isImageSchema, withImageReferences } from "./image.js";
export type { ImageFieldOptions, ImageInput, ImageReference, ImageSchema } from "./image.js";
export { DEFAULT_FILE_MAX_BYTES, FileField, fileAsText, fileReference, isFileSchema } from "./file.js";
export type { FileFieldOptions, FileInput, FileReference, FileSchema } from "./file.js";
export type { SystemPromptOptions } from "./prompt.js";
export { parseOutputs, formatIssuesForReask } from "./outputs.js";
export type { ParseResult } from "./outputs.js";
export { SignatureDefinitionError, InputValidationError } from "./errors.js";
export type { OutputIssue, InputValidationErrorOptions } from "./errors.js";
