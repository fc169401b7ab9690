import { Alert, Code, Spoiler, Text } from "@mantine/core";
import type { PluginTestResult } from "../../api/types";
import { testResultSummary } from "./pluginCatalog";

/** Outcome of `POST /plugins/{id}/test`. */
export function PluginTestPanel({ result }: { result: PluginTestResult }) {
  if (result.success) {
    return (
      <Alert color="green" title="Plugin test passed">
        <Text size="sm">{testResultSummary(result)}</Text>
        {result.missingCredentials.length ? <Text size="sm" c="yellow.8">Missing credentials: {result.missingCredentials.join(", ")}</Text> : null}
      </Alert>
    );
  }
  return (
    <Alert color="red" title="Plugin test failed">
      <Text size="sm">{result.error ? `${result.error.kind}: ${result.error.message}` : "The plugin did not start."}</Text>
      {result.stderrTail.length ? (
        <Spoiler maxHeight={0} showLabel="Show stderr" hideLabel="Hide stderr">
          <Code block>{result.stderrTail.join("\n")}</Code>
        </Spoiler>
      ) : null}
    </Alert>
  );
}
