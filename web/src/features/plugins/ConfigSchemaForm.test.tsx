import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import type { ConfigSchemaField } from "../../api/types";
import { renderWithProviders } from "../../test/render";
import { ConfigSchemaForm, parseConfig } from "./ConfigSchemaForm";

const FIELDS: ConfigSchemaField[] = [
  { key: "baseUrl", label: "Base URL", type: "text", default: "https://graphql.anilist.co", description: "API endpoint" },
  { key: "latencyMs", label: "Latency (ms)", type: "number" },
  { key: "adult", label: "Include adult titles", type: "boolean", default: false },
];

function Harness({ initial, seen }: { initial: string; seen: string[] }) {
  const [text, setText] = useState(initial);
  return <ConfigSchemaForm fields={FIELDS} text={text} onChange={(next) => { seen.push(next); setText(next); }} />;
}

describe("plugin configuration from configSchema (web-ui §3.10.4)", () => {
  it("reads only JSON objects", () => {
    expect(parseConfig('{"a": 1}')).toEqual({ a: 1 });
    expect(parseConfig("")).toEqual({});
    expect(parseConfig("[1]")).toBeNull();
    expect(parseConfig("{nope")).toBeNull();
  });

  it("shows one control per field with defaults as placeholders and writes the object back", async () => {
    const user = userEvent.setup();
    const seen: string[] = [];
    renderWithProviders(<Harness initial={'{"keep": "me", "latencyMs": 400}'} seen={seen} />);
    expect(screen.getByRole("textbox", { name: "Base URL" })).toHaveAttribute("placeholder", "https://graphql.anilist.co");
    expect(screen.getByRole("textbox", { name: "Latency (ms)" })).toHaveValue("400");
    await user.click(screen.getByRole("switch", { name: "Include adult titles" }));
    await user.type(screen.getByRole("textbox", { name: "Base URL" }), "http://x");
    // Keys outside the schema survive; edited keys are written, typed by their field.
    expect(JSON.parse(seen.at(-1) ?? "{}")).toEqual({ keep: "me", latencyMs: 400, adult: true, baseUrl: "http://x" });
    await user.clear(screen.getByRole("textbox", { name: "Base URL" }));
    expect(JSON.parse(seen.at(-1) ?? "{}")).toEqual({ keep: "me", latencyMs: 400, adult: true });
  });
});
