import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCsv } from "./csv.js";
import { InputFileError, readQuestions } from "./read-questions.js";

const dir = mkdtempSync(join(tmpdir(), "kaizen-batch-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("readQuestions", () => {
  it("reads JSONL with and without ids", () => {
    const { items, format } = readQuestions(
      file("a.jsonl", '{"id":"x","question":"Q1"}\n\n{"question":"Q2"}\n{"id":7,"question":" Q3 "}\n'),
    );
    expect(format).toBe("jsonl");
    expect(items).toEqual([
      { id: "x", question: "Q1" },
      { id: "2", question: "Q2" },
      { id: "7", question: "Q3" },
    ]);
  });

  it("reads CSV by its question column, with quotes, commas and line breaks in fields", () => {
    const { items } = readQuestions(
      file("b.csv", 'topic,Question,id\nmath,"What is 1+1, really?",m1\nart,"A ""quoted""\nquestion",a1\n'),
    );
    expect(items).toEqual([
      { id: "m1", question: "What is 1+1, really?" },
      { id: "a1", question: 'A "quoted"\nquestion' },
    ]);
  });

  it("reads one question per line, and sniffs JSONL in a .txt", () => {
    expect(readQuestions(file("c.txt", "First?\r\n\r\nSecond?\n")).items).toEqual([
      { id: "1", question: "First?" },
      { id: "2", question: "Second?" },
    ]);
    expect(readQuestions(file("d.txt", '{"question":"J"}\n')).format).toBe("jsonl");
  });

  it("says what is wrong with a bad file", () => {
    expect(() => readQuestions(file("e.jsonl", '{"question":"ok"}\n{"q":"no"}\n'))).toThrow(/line 2 has no "question"/);
    expect(() => readQuestions(file("f.jsonl", "{oops\n"))).toThrow(/line 1 is not valid JSON/);
    expect(() => readQuestions(file("g.csv", "a,b\n1,2\n"))).toThrow(/no "question" column/);
    expect(() => readQuestions(file("h.jsonl", '{"id":1,"question":"a"}\n{"id":1,"question":"b"}\n'))).toThrow(InputFileError);
    expect(() => readQuestions(file("i.txt", "\n\n"))).toThrow(/holds no questions/);
  });

  it("parseCsv handles CRLF and a missing final newline", () => {
    expect(parseCsv('a,b\r\n1,"x,y"')).toEqual([
      ["a", "b"],
      ["1", "x,y"],
    ]);
  });
});
