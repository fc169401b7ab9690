import { Alert, Button, Collapse, Group, List, Modal, Select, Skeleton, Stack, Text } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { isApiError, type ApiError } from "../../api/errors";
import type { DryRunResponse } from "../../api/types";
import { ErrorState } from "../../components/ErrorState";
import { formatDuration } from "../../components/timeFormat";
import { useNow } from "../../components/useNow";
import { PreviewItemCard } from "./PreviewItemCard";
import {
  DEFAULT_SAMPLE_SIZE, planFailureMessage, previewSummary, SAMPLE_SIZES, skippedSampleLabel, type PreviewSource,
} from "./previewModel";
import { runPreview } from "./queries";

interface PreviewModalProps {
  libraryId: string;
  source: PreviewSource;
  jobName: string | null;
  providerName: string;
  minMatchConfidence: number;
  onClose: () => void;
  /** Unsaved previews hand 400/422 back to the editor, which shows them on its fields. */
  onValidationError?: (error: ApiError) => void;
}

function PreviewLoading({ providerName, onCancel }: { providerName: string; onCancel: () => void }) {
  const [startedAt] = useState(() => Date.now());
  const now = useNow();
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm">Fetching from {providerName || "the provider"}… {formatDuration((now.getTime() - startedAt) / 1000)}</Text>
        <Button size="xs" variant="default" onClick={onCancel}>Cancel</Button>
      </Group>
      {[0, 1, 2].map((index) => <Skeleton key={index} height={90} />)}
    </Stack>
  );
}

function SkippedBeforeFetching({ response, providerName }: { response: DryRunResponse; providerName: string }) {
  const [opened, setOpened] = useState(false);
  if (response.skippedSample.length === 0) return null;
  return (
    <Stack gap="xs">
      <Button variant="subtle" size="compact-sm" w="fit-content" aria-expanded={opened} onClick={() => setOpened((open) => !open)}>
        Skipped before fetching ({response.skippedSample.length})
      </Button>
      <Collapse expanded={opened}>
        <List size="sm">
          {response.skippedSample.map((item) => (
            <List.Item key={item.entityId}>{item.name} — {skippedSampleLabel(item, providerName)}</List.Item>
          ))}
        </List>
      </Collapse>
    </Stack>
  );
}

function PreviewResult({ response, providerName, minMatchConfidence }: { response: DryRunResponse; providerName: string; minMatchConfidence: number }) {
  if (response.planFailure) {
    return <Alert color="red" role="alert">{planFailureMessage(response.planFailure)}</Alert>;
  }
  return (
    <Stack>
      <Text size="sm">{previewSummary(response, providerName)}</Text>
      {response.sample.map((item) => (
        <PreviewItemCard key={`${item.entityType}-${item.entityId}`} item={item} minMatchConfidence={minMatchConfidence} />
      ))}
      {response.sample.length === 0 ? <Text size="sm" c="dimmed">No items would be fetched.</Text> : null}
      <SkippedBeforeFetching response={response} providerName={providerName} />
    </Stack>
  );
}

/** Dry-run of a saved or unsaved job (web-ui §3.8). */
export function PreviewModal({ libraryId, source, jobName, providerName, minMatchConfidence, onClose, onValidationError }: PreviewModalProps) {
  const [sampleSize, setSampleSize] = useState(DEFAULT_SAMPLE_SIZE);
  const [cancelled, setCancelled] = useState(false);
  const queryClient = useQueryClient();
  const queryKey = ["preview", libraryId, source, sampleSize];
  const preview = useQuery({
    queryKey,
    queryFn: ({ signal }) => runPreview(libraryId, source, sampleSize, signal),
    retry: false, staleTime: 0, gcTime: 0, refetchOnWindowFocus: false,
    enabled: !cancelled,
  });
  const unsaved = source.kind !== "saved";
  const validationError = unsaved && isApiError(preview.error) && (preview.error.status === 400 || preview.error.status === 422) ? preview.error : null;

  useEffect(() => {
    if (validationError && onValidationError) onValidationError(validationError);
  }, [validationError, onValidationError]);

  const cancel = () => {
    setCancelled(true);
    void queryClient.cancelQueries({ queryKey });
  };
  const rerun = (size: number) => {
    setCancelled(false);
    setSampleSize(size);
  };
  const effectiveMin = preview.data?.config.minMatchConfidence ?? minMatchConfidence;

  return (
    <Modal opened onClose={onClose} size="xl" title={`Preview — ${jobName ?? "unsaved job"}`}>
      <Stack>
        <Select label="Sample size" w={140} data={SAMPLE_SIZES.map(String)} value={String(sampleSize)}
          onChange={(value) => rerun(Number(value ?? DEFAULT_SAMPLE_SIZE))} allowDeselect={false} />
        {cancelled ? (
          <Group><Text size="sm">Preview cancelled.</Text><Button size="xs" onClick={() => rerun(sampleSize)}>Run again</Button></Group>
        ) : preview.isPending || preview.isFetching ? (
          <PreviewLoading providerName={providerName} onCancel={cancel} />
        ) : preview.isError ? (
          validationError ? null : <ErrorState thing="the preview" error={preview.error} onRetry={() => void preview.refetch()} />
        ) : (
          <PreviewResult response={preview.data} providerName={providerName} minMatchConfidence={effectiveMin} />
        )}
      </Stack>
    </Modal>
  );
}
