import { Navigate, Route, Routes } from "react-router";
import { AccountPage } from "../features/account/AccountPage";
import { LoginPage } from "../features/auth/LoginPage";
import { BookPage } from "../features/books/BookPage";
import { JobsPage } from "../features/jobs/JobsPage";
import { LibrariesPage } from "../features/libraries/LibrariesPage";
import { LibraryPage } from "../features/libraries/LibraryPage";
import { PluginsPage } from "../features/plugins/PluginsPage";
import { SeriesPage } from "../features/series/SeriesPage";
import { TasksPage } from "../features/tasks/TasksPage";
import { AppLayout } from "./AppLayout";
import { NotFoundPage } from "./NotFoundPage";
import { RequirePermission } from "./RequirePermission";
import { SessionExpiryHandler } from "./SessionExpiryHandler";

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
