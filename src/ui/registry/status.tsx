import type { ReactNode } from 'react';

import type { Resource } from './resource.js';

/** Renders a loaded resource with `children`, or says that it is loading or why it failed. */
export function Loaded<T>({
  resource,
  what,
  children,
}: {
  resource: Resource<T>;
  /** What is loading, for the messages: "the stages". */
  what: string;
  children: (data: T) => ReactNode;
}) {
  switch (resource.phase) {
    case 'loading':
      return <p className="muted">Loading {what}…</p>;
    case 'failed':
      return (
        <p className="error" role="alert">
          Could not load {what}: {resource.message} <code>{resource.code}</code>
        </p>
      );
    case 'loaded':
      return <>{children(resource.data)}</>;
  }
}
