import { useId, useState, type FormEvent } from 'react';

export interface TokenFormProps {
  /** The token that was just refused, if one was sent. */
  refused: boolean;
  onSubmit: (token: string) => void;
}

/** Longer than any admin token we expect; keeps a pasted file out of a request header. */
const MAX_TOKEN_LENGTH = 4096;

/** Asks for an admin token when the registry answers 401 (reads need one in stage prod). */
export function TokenForm({ refused, onSubmit }: TokenFormProps) {
  const [value, setValue] = useState('');
  const inputId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = value.trim();
    if (token !== '') onSubmit(token);
  };

  return (
    <form className="token-form" onSubmit={submit} aria-label="Registry token">
      <h2>A token is needed</h2>
      <p>
        This registry answers reads only with an admin token (one of <code>registry.tokens</code> in the
        gateway&apos;s config). The page keeps it in this tab&apos;s session storage and sends it as a bearer
        token to the registry API only.
      </p>
      {refused && (
        <p className="error" role="alert">
          The registry refused that token.
        </p>
      )}
      <label htmlFor={inputId}>Admin token</label>
      <div className="token-row">
        <input
          id={inputId}
          type="password"
          autoComplete="off"
          spellCheck={false}
          maxLength={MAX_TOKEN_LENGTH}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <button type="submit" disabled={value.trim() === ''}>
          Use token
        </button>
      </div>
    </form>
  );
}
