import { Anchor, AppShell, Burger, Group } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { Suspense, useEffect } from "react";
import { Link, Outlet, useLocation } from "react-router";
import { ListSkeleton } from "../components/ListSkeleton";
import { LiveUpdatesProvider } from "../live/LiveUpdatesProvider";
import { LiveIndicator } from "./LiveIndicator";
import { Navigation } from "./Navigation";
import { RequireSession } from "./RequireSession";
import { ScreenErrorBoundary } from "./ScreenErrorBoundary";
import { preloadScreensWhenIdle } from "./screens";
import { UserMenu } from "./UserMenu";

const NAVBAR_WIDTH_PX = 240;

/** Header, navbar and the current screen; the navbar hides behind a burger below 1200 px (web-ui §6.6). */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  useEffect(preloadScreensWhenIdle, []);
  return (
    <RequireSession>
      <LiveUpdatesProvider>
        <AppShell
          header={{ height: 56 }}
          navbar={{ width: NAVBAR_WIDTH_PX, breakpoint: "lg", collapsed: { mobile: !opened } }}
          padding="md"
        >
          <AppShell.Header>
            <Group h="100%" px="md" justify="space-between">
              <Group>
                <Burger opened={opened} onClick={toggle} hiddenFrom="lg" size="sm" aria-label="Toggle navigation" />
                <Anchor component={Link} to="/libraries" fw={700} size="lg" underline="never">
                  Colophon
                </Anchor>
              </Group>
              <Group>
                <LiveIndicator />
                <UserMenu />
              </Group>
            </Group>
          </AppShell.Header>
          <AppShell.Navbar p="xs">
            <Navigation onNavigate={close} />
          </AppShell.Navbar>
          <AppShell.Main>
            {/* Screens are lazy chunks; the shell stays while one loads. */}
            <ScreenErrorBoundary key={location.pathname}>
              <Suspense fallback={<ListSkeleton rows={6} />}>
                <Outlet />
              </Suspense>
            </ScreenErrorBoundary>
          </AppShell.Main>
        </AppShell>
      </LiveUpdatesProvider>
    </RequireSession>
  );
}
