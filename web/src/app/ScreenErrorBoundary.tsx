import { Component, type ReactNode } from "react";
import { ErrorState } from "../components/ErrorState";
import { networkError } from "../api/errors";

interface State {
  failed: boolean;
}

/**
 * A screen whose chunk could not be loaded (server away during navigation) shows the error state
 * with Retry, never a blank page. Retry reloads: a lazy import that failed stays failed.
 */
export class ScreenErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return <ErrorState thing="this page" error={networkError()} onRetry={() => window.location.reload()} />;
  }
}
