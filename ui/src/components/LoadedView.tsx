// The three states every loaded list or page goes through before its content: an error (with
// Try again), loading, and — for lists — empty. Data already shown stays while it reloads.
import type { ReactNode } from 'react';
import type { Loaded } from '../hooks/useLoad';
import { EmptyState } from './EmptyState';
import { ErrorState } from './ErrorState';
import { LoadingState } from './LoadingState';

interface Props<T> {
  loaded: Pick<Loaded<T>, 'data' | 'error' | 'reload'>;
  loadingLabel: string;
  // Both or neither: when isEmpty says so, an EmptyState with this title and text.
  isEmpty?: (data: T) => boolean;
  empty?: { title: string; text?: ReactNode };
  children: (data: T) => ReactNode;
}

export function LoadedView<T>({ loaded, loadingLabel, isEmpty, empty, children }: Props<T>) {
  const { data, error, reload } = loaded;
  if (error && data === undefined) return <ErrorState error={error} onRetry={reload} />;
  if (data === undefined) return <LoadingState label={loadingLabel} />;
  if (error) {
    // A reload failed: say so above the data it could not refresh.
    return (
      <>
        <ErrorState error={error} onRetry={reload} />
        {children(data)}
      </>
    );
  }
  if (isEmpty && empty && isEmpty(data)) return <EmptyState title={empty.title}>{empty.text}</EmptyState>;
  return <>{children(data)}</>;
}
