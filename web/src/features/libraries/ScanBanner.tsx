import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { CountProgress } from "../../components/CountProgress";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { Library } from "../../api/types";
import { useCan } from "../../app/permissions";
import { toast } from "../../app/toasts";
import { useLiveTasks } from "../../live/liveStore";
import { selectLibraryScan } from "../../live/taskStore";
import { useCancelTask } from "../tasks/queries";
import { activeScanOf, scanBannerText } from "./scanProgress";

function useScanFinishedToast(libraryId: string) {
  const task = selectLibraryScan(useLiveTasks(), libraryId);
  const queryClient = useQueryClient();
  const announced = useRef<string | null>(null);
  useEffect(() => {
    if (!task || task.finishedAtMs === null || announced.current === task.taskId) return;
    announced.current = task.taskId;
    void queryClient.invalidateQueries({ queryKey: ["series", libraryId] });
    const counts = task.counts ?? {};
    if (task.status === "failed") toast.error("Scan failed", task.error ?? "");
    else if (task.status === "completed") {
      toast.success("Scan finished", `${counts.added ?? 0} added · ${counts.updated ?? 0} updated · ${counts.deleted ?? 0} deleted · ${counts.errors ?? 0} errors`);
    }
  }, [task, libraryId, queryClient]);
}

/** Live scan progress of one library with Cancel (web-ui §3.3.2). */
export function ScanBanner({ library }: { library: Library }) {
  const can = useCan();
  const cancel = useCancelTask();
  const scan = activeScanOf(library, selectLibraryScan(useLiveTasks(), library.id));
  useScanFinishedToast(library.id);
  if (!scan) return null;
  return (
    <Alert color="blue" variant="light">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text size="sm">{scanBannerText(scan)}</Text>
          {can("tasks:write") ? (
            <Button size="xs" variant="default" disabled={scan.cancelRequested || cancel.isPending} onClick={() => cancel.mutate(scan.taskId)}>
              {scan.cancelRequested ? "Cancelling…" : "Cancel"}
            </Button>
          ) : null}
        </Group>
        <CountProgress current={scan.current} total={scan.total} label={`Scan progress for ${library.name}`} />
      </Stack>
    </Alert>
  );
}
