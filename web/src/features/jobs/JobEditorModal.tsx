import { Alert, Button, Group, List, Modal, Stack, Switch, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { modals } from "@mantine/modals";
import { useQuery } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { isApiError } from "../../api/errors";
import type { LibraryJob } from "../../api/types";
import { toast } from "../../app/toasts";
import { AdvancedOptions } from "./AdvancedOptions";
import { validateJobForm } from "./editorValidation";
import { FieldGroupCards } from "./FieldGroupCards";
import {
  advancedDiffersFromDefaults,
  autoNamePreview,
  configFromValues,
  createBodyFromValues,
  newJobValues,
  patchBodyFromValues,
  valuesFromJob,
  type JobFormValues,
} from "./jobFormValues";
import { PreviewModal } from "./PreviewModal";
import type { PreviewSource } from "./previewModel";
import { ProviderSection } from "./ProviderSection";
import { fieldGroupsQuery, useCreateJob, useUpdateJob } from "./queries";
import { ScheduleSection } from "./ScheduleSection";
import { scopeWritesBooks, scopeWritesSeries } from "./scopeRules";
import { mapServerErrors } from "./serverErrors";
import { useProviderOptions } from "./useProviderOptions";

interface JobEditorModalProps {
  libraryId: string;
  /** The job to edit, or null to add one. */
  job: LibraryJob | null;
  serverDefaultZone: string | null;
  onClose: () => void;
}

function focusControl(control: string) {
  const element = document.getElementById(`job-editor-${control}`);
  element?.scrollIntoView({ block: "center" });
  element?.focus();
}

/** Add or edit a job (web-ui §3.7). */
export function JobEditorModal({ libraryId, job, serverDefaultZone, onClose }: JobEditorModalProps) {
  const initial = job ? valuesFromJob(job) : newJobValues();
  const form = useForm<JobFormValues>({ mode: "controlled", initialValues: initial, validate: validateJobForm });
  const [advancedOpen, setAdvancedOpen] = useState(() => advancedDiffersFromDefaults(initial));
  const [topErrors, setTopErrors] = useState<string[]>([]);
  const [defaultZone, setDefaultZone] = useState(serverDefaultZone);
  const [previewSource, setPreviewSource] = useState<PreviewSource | null>(null);
  const seriesGroups = useQuery(fieldGroupsQuery("series")).data ?? [];
  const bookGroups = useQuery(fieldGroupsQuery("book")).data ?? [];
  const providers = useProviderOptions(libraryId, job?.config?.provider ?? null);
  const create = useCreateJob(libraryId);
  const update = useUpdateJob(libraryId);
  const values = form.values;
  const provider = providers.options.find((option) => option.value === values.provider);

  const showServerErrors = useCallback((error: unknown) => {
    if (!isApiError(error)) return setTopErrors(["Something went wrong."]);
    const mapped = mapServerErrors(error.errors, error.message);
    if (mapped.switchToCustom) form.setFieldValue("schedule", "custom");
    if (mapped.expandAdvanced) setAdvancedOpen(true);
    form.setErrors(mapped.fieldErrors);
    setTopErrors(mapped.topErrors);
    if (mapped.firstControl) setTimeout(() => focusControl(mapped.firstControl ?? ""), 0);
  }, [form]);

  const submit = form.onSubmit(
    (submitted) => {
      setTopErrors([]);
      const onError = (error: unknown) => {
        const validation = isApiError(error) && (error.status === 400 || error.status === 422);
        if (validation) return showServerErrors(error);
        toast.error(job ? "Couldn't save job" : "Couldn't create job", isApiError(error) ? error.message : "");
      };
      if (job) {
        update.mutate({ jobId: job.id, body: patchBodyFromValues(submitted) }, {
          onSuccess: (saved) => { toast.success("Job saved", saved.name); onClose(); },
          onError,
        });
      } else {
        create.mutate(createBodyFromValues(submitted), {
          onSuccess: (saved) => { toast.success("Job created", saved.name); onClose(); },
          onError,
        });
      }
    },
    (errors) => {
      const first = Object.keys(errors)[0];
      if (first) focusControl(first);
    },
  );

  const requestClose = () => {
    if (!form.isDirty()) return onClose();
    modals.openConfirmModal({
      title: "Discard unsaved changes?",
      labels: { confirm: "Discard", cancel: "Keep editing" },
      confirmProps: { color: "red" },
      onConfirm: onClose,
    });
  };

  const openPreview = () => {
    const errors = form.validate();
    if (errors.hasErrors) return;
    setPreviewSource(job
      ? { kind: "unsavedEdit", jobId: job.id, configOverride: configFromValues(values) }
      : { kind: "unsavedCreate", body: createBodyFromValues(values) });
  };

  return (
    <Modal opened onClose={requestClose} title={job ? "Edit job" : "Add job"} size="xl">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {topErrors.length ? (
            <Alert color="red" role="alert" title="The job was not saved">
              <List size="sm">{topErrors.map((message) => <List.Item key={message}>{message}</List.Item>)}</List>
            </Alert>
          ) : null}
          <TextInput id="job-editor-name" label="Name" placeholder={autoNamePreview(provider?.displayName ?? null, values)}
            {...form.getInputProps("name")} />
          <Switch label="Enable scheduled runs" description="When off, the job only runs with Run now."
            {...form.getInputProps("enabled", { type: "checkbox" })} />
          <ScheduleSection form={form} serverDefaultZone={defaultZone} onServerDefaultZone={setDefaultZone} />
          <ProviderSection form={form} options={providers.options} />
          {scopeWritesSeries(values.scope) ? (
            <FieldGroupCards id="job-editor-fieldGroups" legend="Series field groups" entity="series" groups={seriesGroups}
              selected={values.fieldGroups} extraFields={values.extraFields} error={form.errors.fieldGroups}
              onChange={(ids) => form.setFieldValue("fieldGroups", ids)} />
          ) : null}
          {scopeWritesBooks(values.scope) ? (
            <FieldGroupCards id="job-editor-bookFieldGroups" legend="Book field groups" entity="book" groups={bookGroups}
              selected={values.bookFieldGroups} extraFields={values.bookExtraFields} error={form.errors.bookFieldGroups}
              onChange={(ids) => form.setFieldValue("bookFieldGroups", ids)} />
          ) : null}
          <AdvancedOptions form={form} opened={advancedOpen} onToggle={() => setAdvancedOpen((open) => !open)}
            seriesGroups={seriesGroups} bookGroups={bookGroups} />
          <Group justify="flex-end">
            <Button variant="default" onClick={requestClose}>Cancel</Button>
            <Button variant="light" onClick={openPreview}>Preview</Button>
            <Button type="submit" loading={create.isPending || update.isPending}>{job ? "Save changes" : "Create job"}</Button>
          </Group>
        </Stack>
      </form>
      {previewSource ? (
        <PreviewModal libraryId={libraryId} source={previewSource} jobName={job?.name ?? null}
          providerName={provider?.displayName ?? ""} minMatchConfidence={values.minMatchConfidence}
          onClose={() => setPreviewSource(null)}
          onValidationError={(error) => { setPreviewSource(null); toast.error("Preview failed", error.message); showServerErrors(error); }} />
      ) : null}
    </Modal>
  );
}
