import { Modal, Stepper } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { EntityType, ExternalIdRow, PluginAction } from "../../api/types";
import { toast } from "../../app/toasts";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { providersQuery } from "../jobs/queries";
import { appliedToastMessage } from "./fetchMetadataModel";
import { ProviderStep } from "./ProviderStep";
import { useApplyMetadata } from "./queries";
import { ReviewStep } from "./ReviewStep";
import { SearchStep } from "./SearchStep";

interface FetchMetadataModalProps {
  entity: EntityType;
  entityId: string;
  libraryId: string;
  title: string;
  externalIds: ExternalIdRow[];
  onClose: () => void;
}

type Picked = { externalId: string; title: string };

/** Provider → Search → Review → Apply (web-ui §3.4.6). */
export function FetchMetadataModal({ entity, entityId, libraryId, title, externalIds, onClose }: FetchMetadataModalProps) {
  const scope = entity === "series" ? "series:detail" : "book:detail";
  const providers = useQuery(providersQuery(scope, libraryId));
  const [provider, setProvider] = useState<PluginAction | null>(null);
  const [picked, setPicked] = useState<Picked | null>(null);
  const apply = useApplyMetadata(entity, entityId);
  const step = picked ? 2 : provider ? 1 : 0;

  const runApply = (fields: string[]) => {
    if (!provider || !picked) return;
    apply.mutate({ pluginId: provider.pluginId, externalId: picked.externalId, fields }, {
      onSuccess: (response) => { toast.success("Metadata applied", appliedToastMessage(response, provider.pluginDisplayName)); onClose(); },
    });
  };

  return (
    <Modal opened onClose={onClose} size="xl" title="Fetch metadata">
      <Stepper active={step} size="sm" allowNextStepsSelect={false} onStepClick={(index) => { if (index === 0) { setProvider(null); setPicked(null); } if (index === 1) setPicked(null); }}>
        <Stepper.Step label="Provider">
          {providers.isPending ? <ListSkeleton rows={2} height={80} /> : providers.isError ? (
            <ErrorState thing="providers" error={providers.error} onRetry={() => void providers.refetch()} />
          ) : (
            <ProviderStep providers={providers.data.actions} externalIds={externalIds} onSearch={setProvider}
              onUseLinked={(chosen, externalId) => { setProvider(chosen); setPicked({ externalId, title: externalId }); }} />
          )}
        </Stepper.Step>
        <Stepper.Step label="Search">
          {provider ? <SearchStep entity={entity} entityId={entityId} provider={provider} initialQuery={entity === "series" ? title : ""}
            onPick={(result) => setPicked({ externalId: result.externalId, title: result.title })} /> : null}
        </Stepper.Step>
        <Stepper.Step label="Review">
          {provider && picked ? (
            <ReviewStep entity={entity} entityId={entityId} provider={provider} externalId={picked.externalId} resultTitle={picked.title}
              applying={apply.isPending} applyError={apply.error?.message ?? null} onBack={() => { apply.reset(); setPicked(null); }} onApply={runApply} />
          ) : null}
        </Stepper.Step>
      </Stepper>
    </Modal>
  );
}
