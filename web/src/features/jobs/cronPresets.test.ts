import { describe, expect, it } from "vitest";
import { CRON_PRESETS, cronForChoice, customTextWhenSwitching, scheduleChoiceForCron } from "./cronPresets";

describe("cron presets (web-ui §3.7.1)", () => {
  it.each([
    ["hourly", "0 * * * *"],
    ["every6h", "0 */6 * * *"],
    ["daily", "0 4 * * *"],
    ["weekly", "0 4 * * 0"],
  ] as const)("preset %s saves %s and reopens as itself", (id, value) => {
    expect(cronForChoice(id, "ignored")).toBe(value);
    expect(scheduleChoiceForCron(value)).toBe(id);
  });

  it("hydrates 0 4 * * * as Daily at 04:00", () => {
    expect(CRON_PRESETS.find((preset) => preset.id === scheduleChoiceForCron("0 4 * * *"))?.label).toBe("Daily at 04:00");
  });

  it.each(["5 4 * * *", "@daily", "0 4 * * 7"])("hydrates %s as Custom", (cron) => {
    expect(scheduleChoiceForCron(cron)).toBe("custom");
  });

  it("saves the trimmed custom text", () => {
    expect(cronForChoice("custom", "  5 4 * * 1 ")).toBe("5 4 * * 1");
  });

  it("starts Custom from the previously selected preset's expression", () => {
    expect(customTextWhenSwitching("weekly", "custom", "")).toBe("0 4 * * 0");
    expect(customTextWhenSwitching("custom", "daily", "7 7 * * *")).toBe("7 7 * * *");
  });
});
