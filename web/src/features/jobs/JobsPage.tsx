import { Anchor, Breadcrumbs, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import type { LibraryJob } from "../../api/types";
import { useCan } from "../../app/permissions";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState, RefreshFailedNotice } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { usePageTitle } from "../../components/usePageTitle";
import { useLiveStatus } from "../../live/liveStore";
import { libraryQuery } from "../libraries/queries";
import { JobEditorModal } from "./JobEditorModal";
import { JobRow } from "./JobRow";
import { providerDisplayName } from "./jobRowModel";
import { PreviewModal } from "./PreviewModal";
import { fieldGroupsQuery, jobsQuery, providersQuery } from "./queries";
import { RunHistoryDrawer } from "./RunHistoryDrawer";

const OFFLINE_POLL_MS = 10_000;

type Overlay =
  | { kind: "editor"; job: LibraryJob | null }
  | { kind: "preview"; job: LibraryJob }
  | { kind: "history"; job: LibraryJob }
  | null;

/** The server default zone, learnt from any job that uses it. */
function serverDefaultZoneOf(jobs: LibraryJob[] | undefined): string | null {
  return jobs?.find((job) => job.timezone === null)?.effectiveTimezone ?? null;
}

/** Scheduled jobs of one library (web-ui §3.6). */
export function JobsPage() {
  const { libraryId = "" } = useParams();
  const can = useCan();
  const live = useLiveStatus() === "live";
  const library = useQuery(libraryQuery(libraryId));
  const jobs = useQuery({
    ...jobsQuery(libraryId),
    // While the event stream is down, a page with an active run polls instead (web-ui §5.5).
    refetchInterval: (query) => (!live && query.state.data?.jobs.some((job) => job.activeRun) ? OFFLINE_POLL_MS : false),
  });
  const providers = useQuery(providersQuery("series:bulk", libraryId)).data?.actions;
  const bookProviders = useQuery(providersQuery("book:bulk", libraryId)).data?.actions;
  const seriesGroups = useQuery(fieldGroupsQuery("series")).data;
  const bookGroups = useQuery(fieldGroupsQuery("book")).data;
  const [overlay, setOverlay] = useState<Overlay>(null);
  const allProviders = [...(providers ?? []), ...(bookProviders ?? [])];
  usePageTitle("Scheduled jobs");

  const addJob = can("libraries:write") ? <Button onClick={() => setOverlay({ kind: "editor", job: null })}>Add job</Button> : null;
  const libraryName = library.data?.name ?? "Library";

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/libraries">Libraries</Anchor>
        <Anchor component={Link} to={`/libraries/${libraryId}`}>{libraryName}</Anchor>
        <Text>Scheduled jobs</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={2}>Scheduled jobs</Title>
          <Text c="dimmed" size="sm">
            Each job runs on its own schedule against one provider and writes only the fields you choose. Locked fields are never changed.
          </Text>
        </Stack>
        <Group>
          <Button variant="default" component={Link} to={`/libraries/${libraryId}`}>Back to library</Button>
          {addJob}
        </Group>
      </Group>
      {jobs.isPending ? (
        <ListSkeleton rows={3} height={140} />
      ) : jobs.isError && !jobs.data ? (
        <ErrorState thing="scheduled jobs" error={jobs.error} onRetry={() => void jobs.refetch()}
          notFound={{ entity: "library", backTo: "/libraries", backLabel: "Back to Libraries" }} />
      ) : jobs.data.jobs.length === 0 ? (
        <EmptyState title="No scheduled jobs yet." description="Add a job to refresh metadata from a provider on a schedule." action={addJob} />
      ) : (
        <Stack gap="sm">
          {jobs.isRefetchError ? <RefreshFailedNotice onRetry={() => void jobs.refetch()} /> : null}
          {jobs.data.jobs.map((job) => (
            <JobRow key={job.id} job={job} providers={allProviders} seriesGroups={seriesGroups} bookGroups={bookGroups}
              onEdit={() => setOverlay({ kind: "editor", job })}
              onPreview={() => setOverlay({ kind: "preview", job })}
              onHistory={() => setOverlay({ kind: "history", job })} />
          ))}
        </Stack>
      )}
      {overlay?.kind === "editor" ? (
        <JobEditorModal libraryId={libraryId} job={overlay.job} serverDefaultZone={serverDefaultZoneOf(jobs.data?.jobs)} onClose={() => setOverlay(null)} />
      ) : null}
      {overlay?.kind === "preview" ? (
        <PreviewModal libraryId={libraryId} source={{ kind: "saved", jobId: overlay.job.id }} jobName={overlay.job.name}
          providerName={providerDisplayName(overlay.job.config?.provider, allProviders)}
          minMatchConfidence={overlay.job.config?.minMatchConfidence ?? 0.8} onClose={() => setOverlay(null)} />
      ) : null}
      {overlay?.kind === "history" ? (
        <RunHistoryDrawer job={jobs.data?.jobs.find((job) => job.id === overlay.job.id) ?? overlay.job} onClose={() => setOverlay(null)} />
      ) : null}
    </Stack>
  );
}
