import type { ReactNode } from "react";
import { NoAccess } from "../components/NoAccess";
import { useCan, type Permission } from "./permissions";

/** A route the user lacks the permission for shows "No access", never a blank page (web-ui §2). */
export function RequirePermission({ permission, children }: { permission: Permission; children: ReactNode }) {
  const can = useCan();
  if (!can(permission)) return <NoAccess permission={permission} />;
  return children;
}
