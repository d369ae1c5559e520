// An independent JSON Schema validator (Ajv, draft 2020-12 with formats) so tests do not grade
// the fake's generator with its own understanding of JSON Schema.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
// ajv-formats is CommonJS: under NodeNext its plugin is the `default` property of module.exports.
const addFormats = addFormatsModule.default;
addFormats(ajv);

/** Returns a validator giving the list of problems (empty when valid). */
export function validatorFor(schema: object): (value: unknown) => string[] {
  const validate = ajv.compile(schema);
  return (value) =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "invalid"}`);
}
