/** The lazily loaded screen modules, shared by the routes and the idle preload. */
export const screens = {
  account: () => import("../features/account/AccountPage"),
  book: () => import("../features/books/BookPage"),
  jobs: () => import("../features/jobs/JobsPage"),
  libraries: () => import("../features/libraries/LibrariesPage"),
  library: () => import("../features/libraries/LibraryPage"),
  plugins: () => import("../features/plugins/PluginsPage"),
  series: () => import("../features/series/SeriesPage"),
  tasks: () => import("../features/tasks/TasksPage"),
};

const PRELOAD_AFTER_MS = 1500;

/**
 * Fetch every screen chunk once the shell is idle, so that moving between screens later works
 * even while the server is briefly away (the data queries then show their own error states).
 */
export function preloadScreensWhenIdle(): () => void {
  const timer = setTimeout(() => {
    for (const load of Object.values(screens)) load().catch(() => undefined);
  }, PRELOAD_AFTER_MS);
  return () => clearTimeout(timer);
}
