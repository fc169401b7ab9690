import { axe } from "vitest-axe";

/** Rules jsdom cannot judge (no layout, so no colours) or that need a whole page (landmarks). */
const RULES_OFF = { "color-contrast": { enabled: false }, region: { enabled: false } };

/** axe's violations on the whole document (modals and drawers render in portals), as readable lines. */
export async function axeViolations(): Promise<string[]> {
  const results = await axe(document.body, { rules: RULES_OFF });
  return results.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`,
  );
}
