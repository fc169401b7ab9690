import { describe, expect, it } from "vitest";
import { describeValue, MAX_TEXT_CHARS } from "./changeValue";

describe("change value renderer (web-ui §3.8.6)", () => {
  it("treats null, empty text and empty lists as empty", () => {
    expect(describeValue(null)).toEqual({ kind: "empty" });
    expect(describeValue("")).toEqual({ kind: "empty" });
    expect(describeValue([])).toEqual({ kind: "empty" });
  });

  it("cuts long text at 300 characters and keeps the rest for Show more", () => {
    const long = "x".repeat(MAX_TEXT_CHARS + 5);
    const view = describeValue(long);
    expect(view).toMatchObject({ kind: "text", truncated: true, full: long });
    expect(view.kind === "text" && view.text.length).toBe(MAX_TEXT_CHARS);
  });

  it("renders ratings, authors and lists as the spec words them", () => {
    expect(describeValue({ score: 87, voteCount: 1234, source: "anilist" })).toMatchObject({ kind: "text", text: "87 / 100 · 1,234 votes · anilist" });
    expect(describeValue([{ name: "Kentaro Miura", role: "author" }])).toEqual({ kind: "list", items: ["Kentaro Miura (author)"] });
    expect(describeValue(["Action", "Drama"])).toEqual({ kind: "list", items: ["Action", "Drama"] });
  });

  it("shows a cover URL as a thumbnail and other objects as JSON", () => {
    expect(describeValue("https://x/c.jpg", "coverUrl")).toEqual({ kind: "cover", url: "https://x/c.jpg" });
    expect(describeValue({ a: 1 })).toEqual({ kind: "json", text: '{"a":1}' });
  });
});
