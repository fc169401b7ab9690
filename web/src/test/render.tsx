import { MantineProvider } from "@mantine/core";
import { ModalsProvider } from "@mantine/modals";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import type { Me } from "../api/types";
import { meQuery } from "../app/session";
import { theme } from "../app/theme";

interface RenderOptions {
  me?: Me;
  route?: string;
  path?: string;
}

/** Render a screen with the app's providers, a signed-in user and a route. */
export function renderWithProviders(ui: ReactElement, { me, route = "/", path = "*" }: RenderOptions = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } } });
  if (me) queryClient.setQueryData(meQuery.queryKey, me);
  const result = render(
    <QueryClientProvider client={queryClient}>
      <MantineProvider env="test" theme={theme}>
        <ModalsProvider>
          <Notifications />
          <MemoryRouter initialEntries={[route]}>
            <Routes>
              <Route path={path} element={ui} />
            </Routes>
          </MemoryRouter>
        </ModalsProvider>
      </MantineProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
