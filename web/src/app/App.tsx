import { lazy } from "react";
import { Navigate, Route, Routes } from "react-router";
import { LoginPage } from "../features/auth/LoginPage";
import { screens } from "./screens";
import { AppLayout } from "./AppLayout";
import { NotFoundPage } from "./NotFoundPage";
import { RequirePermission } from "./RequirePermission";
import { SessionExpiryHandler } from "./SessionExpiryHandler";

// Route-level code splitting: each screen is its own chunk, loaded when first opened.
const AccountPage = lazy(() => screens.account().then((module) => ({ default: module.AccountPage })));
const BookPage = lazy(() => screens.book().then((module) => ({ default: module.BookPage })));
const JobsPage = lazy(() => screens.jobs().then((module) => ({ default: module.JobsPage })));
const LibrariesPage = lazy(() => screens.libraries().then((module) => ({ default: module.LibrariesPage })));
const LibraryPage = lazy(() => screens.library().then((module) => ({ default: module.LibraryPage })));
const PluginsPage = lazy(() => screens.plugins().then((module) => ({ default: module.PluginsPage })));
const SeriesPage = lazy(() => screens.series().then((module) => ({ default: module.SeriesPage })));
const TasksPage = lazy(() => screens.tasks().then((module) => ({ default: module.TasksPage })));

/** The routes of web-ui §2, each behind its permission. */
export function App() {
  return (
    <>
      <SessionExpiryHandler />
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route element={<AppLayout />}>
          <Route index element={<Navigate to="/libraries" replace />} />
          <Route path="/libraries" element={<RequirePermission permission="libraries:read"><LibrariesPage /></RequirePermission>} />
          <Route path="/libraries/:libraryId" element={<RequirePermission permission="libraries:read"><LibraryPage /></RequirePermission>} />
          <Route path="/libraries/:libraryId/jobs" element={<RequirePermission permission="libraries:read"><JobsPage /></RequirePermission>} />
          <Route path="/series/:seriesId" element={<RequirePermission permission="series:read"><SeriesPage /></RequirePermission>} />
          <Route path="/books/:bookId" element={<RequirePermission permission="books:read"><BookPage /></RequirePermission>} />
          <Route path="/settings/plugins" element={<RequirePermission permission="plugins:manage"><PluginsPage /></RequirePermission>} />
          <Route path="/tasks" element={<RequirePermission permission="tasks:read"><TasksPage /></RequirePermission>} />
          <Route path="/account" element={<AccountPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </>
  );
}
