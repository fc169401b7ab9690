import { useMe } from "./session";

export type Permission =
  | "libraries:read"
  | "libraries:write"
  | "libraries:manage"
  | "series:read"
  | "series:write"
  | "books:read"
  | "books:write"
  | "plugins:manage"
  | "tasks:read"
  | "tasks:write"
  | "users:manage"
  | "apikeys:own"
  | "metrics:read";

export type Can = (permission: Permission) => boolean;

export function canFrom(permissions: readonly string[] | undefined): Can {
  const granted = new Set(permissions ?? []);
  return (permission) => granted.has(permission);
}

/** The one permission check of the UI; the server stays the authority (web-ui §2). */
export function useCan(): Can {
  const me = useMe();
  return canFrom(me.data?.permissions);
}
