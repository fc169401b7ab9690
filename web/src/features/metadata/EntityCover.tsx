import { Image } from "@mantine/core";
import type { EntityType } from "../../api/types";
import { entityBase } from "./metadataFields";

const PLACEHOLDER = "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='160' height='240'><rect width='160' height='240' fill='%23ddd'/></svg>";

/** The selected cover, 160 px wide, with a placeholder when there is none. */
export function EntityCover({ entity, entityId, version }: { entity: EntityType; entityId: string; version?: string }) {
  const src = `/api/v1${entityBase(entity, entityId)}/cover${version ? `?v=${encodeURIComponent(version)}` : ""}`;
  return <Image src={src} w={160} radius="sm" fallbackSrc={PLACEHOLDER} alt="Cover" />;
}
