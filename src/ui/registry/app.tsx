import { useCallback, useEffect, useMemo, useState } from 'react';

import { apiPaths, type StagesResponse } from './api.js';
import { plural } from './format.js';
import { ApiAccessContext, useResource, type ApiAccess } from './resource.js';
import { StageView } from './stage-view.js';
import { Loaded } from './status.js';
import { TokenForm } from './token-form.js';
import { readToken, saveToken } from './token.js';

/** Whether the page may show the registry, or must first ask for a token. */
type Access = { phase: 'open' } | { phase: 'token-needed'; refused: boolean };

/** The read-only registry page: stages on the left, the chosen stage's subgraphs, history and diffs. */
export function RegistryApp() {
  const [token, setToken] = useState(readToken);
  const [access, setAccess] = useState<Access>({ phase: 'open' });

  const onUnauthorized = useCallback(
    () => setAccess({ phase: 'token-needed', refused: token !== undefined }),
    [token],
  );
  const apiAccess = useMemo<ApiAccess>(() => ({ token, onUnauthorized }), [token, onUnauthorized]);

  const submitToken = (value: string) => {
    saveToken(value);
    setToken(value);
    setAccess({ phase: 'open' });
  };
  const forgetToken = () => {
    saveToken(undefined);
    setToken(undefined);
    setAccess({ phase: 'open' });
  };

  return (
    <ApiAccessContext value={apiAccess}>
      <header className="page-header">
        <h1>Gatehouse registry</h1>
        <span className="muted">read-only</span>
        {token !== undefined && (
          <button type="button" className="link" onClick={forgetToken}>
            Forget token
          </button>
        )}
      </header>
      {access.phase === 'token-needed' ? (
        <TokenForm refused={access.refused} onSubmit={submitToken} />
      ) : (
        // Keyed by the token: a new token loads everything again.
        <RegistryBrowser key={token ?? ''} />
      )}
    </ApiAccessContext>
  );
}

function RegistryBrowser() {
  const stages = useResource<StagesResponse>(apiPaths.stages());
  const [chosen, choose] = useHashStage();

  return (
    <Loaded resource={stages} what="the stages">
      {({ stages: list }) => {
        if (list.length === 0) return <p className="muted">The registry has no stages.</p>;
        const selected = list.find((stage) => stage.name === chosen) ?? list[0];
        return (
          <div className="layout">
            <nav aria-label="Stages" className="stages">
              <h2>Stages</h2>
              <ul>
                {list.map((stage) => (
                  <li key={stage.name}>
                    <a
                      href={`#${encodeURIComponent(stage.name)}`}
                      aria-current={stage.name === selected?.name ? 'page' : undefined}
                      onClick={() => choose(stage.name)}
                    >
                      <span className="stage-name">{stage.name}</span>
                      <span className="muted">
                        {stage.current
                          ? `version ${stage.current.id} · ${plural(stage.current.subgraphs.length, 'subgraph')}`
                          : 'empty'}
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            {selected && <StageView key={selected.name} stage={selected.name} current={selected.current} />}
          </div>
        );
      }}
    </Loaded>
  );
}

/** The chosen stage lives in the URL's fragment (`/registry/#prod`), so a reload or a link keeps it. */
function useHashStage(): [string | undefined, (stage: string) => void] {
  const read = () => {
    const fragment = location.hash.slice(1);
    if (fragment === '') return undefined;
    try {
      return decodeURIComponent(fragment);
    } catch {
      return undefined;
    }
  };
  const [stage, setStage] = useState(read);
  useEffect(() => {
    const onChange = () => setStage(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return [stage, setStage];
}
