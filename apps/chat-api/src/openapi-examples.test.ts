// The examples /docs shows are requests a user can send as they are: every request body example,
// with the path's example parameters filled in, answers 2xx from the real app.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./test-support/harness.js";

interface Operation {
  parameters?: { in: string; name: string; example?: unknown; schema?: { example?: unknown; examples?: unknown[] } }[];
  requestBody?: {
    content: Record<
      string,
      { schema?: Record<string, unknown>; example?: unknown; examples?: Record<string, { value: unknown }> }
    >;
  };
}
type Paths = Record<string, Record<string, Operation>>;

let t: TestApp;
let paths: Paths;
beforeAll(async () => {
  t = await startTestApp();
  paths = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json<{ paths: Paths }>().paths;
});
afterAll(() => t.close());

function bodyExamples(op: Operation): unknown[] {
  const json = op.requestBody?.content["application/json"];
  if (!json) return [];
  const named = [...Object.values(json.examples ?? {}).map((e) => e.value), ...("example" in json ? [json.example] : [])];
  const schema = json.schema ?? {};
  const inline = [...(Array.isArray(schema.examples) ? schema.examples : []), ...("example" in schema ? [schema.example] : [])];
  return [...named, ...inline];
}

function fillPath(path: string, op: Operation): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const param = op.parameters?.find((p) => p.in === "path" && p.name === name);
    const value = param?.example ?? param?.schema?.example ?? param?.schema?.examples?.[0];
    expect(value, `the path parameter ${name} of ${path} has an example`).toBeDefined();
    return encodeURIComponent(String(value));
  });
}

describe("OpenAPI examples", () => {
  it("every POST operation has at least one request body example", () => {
    const posts = Object.entries(paths).filter(([, ops]) => ops["post"] !== undefined);
    expect(posts.length).toBeGreaterThanOrEqual(4);
    for (const [path, ops] of posts) expect(bodyExamples(ops["post"]!), path).not.toEqual([]);
  });

  it("each example, sent as it is, is answered with a 2xx", async () => {
    let sent = 0;
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const url = fillPath(path, op);
        const bodies = method === "post" ? bodyExamples(op) : [undefined];
        for (const body of bodies) {
          const res = await t.app.inject({
            method: method.toUpperCase() as "GET" | "POST",
            url,
            ...(body === undefined ? {} : { payload: body as object }),
          });
          expect(
            res.statusCode,
            `${method.toUpperCase()} ${url} ${JSON.stringify(body)}: ${res.body.slice(0, 200)}`,
          ).toBeLessThan(300);
          sent++;
        }
      }
    }
    expect(sent).toBeGreaterThanOrEqual(8);
  });
});
