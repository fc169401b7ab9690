import { Badge, NavLink, ScrollArea } from "@mantine/core";
import { IconBooks, IconListCheck, IconPlug, IconUser } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { Link, useLocation } from "react-router";
import { librariesQuery } from "../features/libraries/queries";
import { taskStatsQuery } from "../features/tasks/queries";
import { countActive } from "../live/taskStore";
import { useLiveTasks } from "../live/liveStore";
import { useCan } from "./permissions";

function LibraryLinks() {
  const libraries = useQuery(librariesQuery);
  const location = useLocation();
  return (libraries.data?.items ?? []).map((library) => (
    <NavLink
      key={library.id}
      component={Link}
      to={`/libraries/${library.id}`}
      label={library.name}
      active={location.pathname.startsWith(`/libraries/${library.id}`)}
    />
  ));
}

/** Running + queued tasks, from the stats and the live store, hidden at 0 (web-ui §2). */
function TaskCountBadge() {
  const stats = useQuery(taskStatsQuery);
  const live = countActive(useLiveTasks());
  const counts = stats.data?.counts;
  const count = Math.max(live, counts ? (counts.pending ?? 0) + (counts.processing ?? 0) : 0);
  if (count === 0) return null;
  return (
    <Badge size="sm" circle aria-label={`${count} tasks running or queued`}>
      {count}
    </Badge>
  );
}

export function Navigation({ onNavigate }: { onNavigate: () => void }) {
  const can = useCan();
  const location = useLocation();
  const at = (prefix: string) => location.pathname.startsWith(prefix);
  return (
    <ScrollArea onClick={onNavigate} component="nav" aria-label="Main">
      {can("libraries:read") ? (
        <NavLink component={Link} to="/libraries" label="Libraries" leftSection={<IconBooks size={18} />} active={location.pathname === "/libraries"} childrenOffset={28} defaultOpened opened>
          <LibraryLinks />
        </NavLink>
      ) : null}
      {can("tasks:read") ? (
        <NavLink component={Link} to="/tasks" label="Tasks" leftSection={<IconListCheck size={18} />} rightSection={<TaskCountBadge />} active={at("/tasks")} />
      ) : null}
      {can("plugins:manage") ? (
        <NavLink component={Link} to="/settings/plugins" label="Plugins" leftSection={<IconPlug size={18} />} active={at("/settings/plugins")} />
      ) : null}
      <NavLink component={Link} to="/account" label="Account" leftSection={<IconUser size={18} />} active={at("/account")} />
    </ScrollArea>
  );
}
