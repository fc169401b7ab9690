import { Progress } from "@mantine/core";

interface CountProgressProps {
  /** Items done and planned; null until the first progress event (an indeterminate bar). */
  current: number | null;
  total: number | null;
  /** The bar's accessible name, e.g. "Run progress for Nightly ratings". */
  label: string;
  size?: "xs" | "sm" | "md";
}

/**
 * A progress bar that announces counts, not percentages: `aria-valuenow` / `aria-valuemax` are
 * the current and total items, and an indeterminate bar has no value (web-ui §6.3). Mantine's
 * own aria attributes report a percentage of 100, so they are switched off.
 */
export function CountProgress({ current, total, label, size = "sm" }: CountProgressProps) {
  const known = current !== null && total !== null && total > 0;
  const aria = known ? { "aria-valuenow": current, "aria-valuemin": 0, "aria-valuemax": total } : {};
  return (
    <Progress.Root size={size}>
      <Progress.Section
        value={known ? (100 * current) / total : 100}
        animated={!known}
        striped={!known}
        withAria={false}
        role="progressbar"
        aria-label={label}
        {...aria}
      />
    </Progress.Root>
  );
}
