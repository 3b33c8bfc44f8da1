import { createContext, useContext, useEffect, useState } from 'react';

import { ApiError, getJson } from './api.js';

/** What a component needs to call the registry: the token, and whom to tell when it is refused. */
export interface ApiAccess {
  token: string | undefined;
  /** Called on a 401: the page then asks for a (new) token. */
  onUnauthorized: () => void;
}

export const ApiAccessContext = createContext<ApiAccess>({ token: undefined, onUnauthorized: () => {} });

export type Resource<T> =
  { phase: 'loading' } | { phase: 'loaded'; data: T } | { phase: 'failed'; code: string; message: string };

interface Fetched<T> {
  path: string;
  resource: Resource<T>;
}

/**
 * Loads a registry path, and loads it again when the path changes; an answer to an earlier path is
 * dropped, so a slow reply for the stage left behind never shows under the stage chosen since.
 */
export function useResource<T>(path: string): Resource<T> {
  const { token, onUnauthorized } = useContext(ApiAccessContext);
  const [fetched, setFetched] = useState<Fetched<T>>({ path, resource: { phase: 'loading' } });

  useEffect(() => {
    const controller = new AbortController();
    const settle = (resource: Resource<T>) => {
      if (!controller.signal.aborted) setFetched({ path, resource });
    };
    setFetched({ path, resource: { phase: 'loading' } });
    getJson<T>(path, token, controller.signal).then(
      (data) => settle({ phase: 'loaded', data }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) onUnauthorized();
        settle({
          phase: 'failed',
          code: error instanceof ApiError ? error.code : 'ERROR',
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
    return () => controller.abort();
  }, [path, token, onUnauthorized]);

  return fetched.path === path ? fetched.resource : { phase: 'loading' };
}
