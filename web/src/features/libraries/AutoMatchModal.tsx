import { Button, Group, Modal, NumberInput, Select, Stack } from "@mantine/core";
import { useState } from "react";
import type { PluginAction } from "../../api/types";
import { toast } from "../../app/toasts";
import { useBulkAutoMatch } from "./queries";

interface AutoMatchModalProps {
  libraryId: string;
  seriesIds: string[];
  providers: PluginAction[];
  onClose: () => void;
}

/** Bulk "Auto-match…" for the selected series (web-ui §3.3.5). */
export function AutoMatchModal({ libraryId, seriesIds, providers, onClose }: AutoMatchModalProps) {
  const [pluginId, setPluginId] = useState<string | null>(providers[0]?.pluginId ?? null);
  const [minConfidence, setMinConfidence] = useState<number | string>(0.8);
  const autoMatch = useBulkAutoMatch(libraryId);
  const start = () => {
    if (!pluginId) return;
    autoMatch.mutate({ pluginId, seriesIds, minConfidence: Number(minConfidence) }, {
      onSuccess: () => { toast.info("Auto-match queued", `Auto-match queued for ${seriesIds.length} series`); onClose(); },
      onError: (error) => toast.error("Couldn't start auto-match", error.message),
    });
  };
  return (
    <Modal opened onClose={onClose} title="Auto-match">
      <Stack>
        <Select label="Provider" data={providers.map((provider) => ({ value: provider.pluginId, label: provider.pluginDisplayName }))}
          value={pluginId} onChange={setPluginId} allowDeselect={false} />
        <NumberInput label="Minimum confidence" min={0} max={1} step={0.05} decimalScale={2} value={minConfidence} onChange={setMinConfidence} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button onClick={start} disabled={!pluginId} loading={autoMatch.isPending}>Start</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
