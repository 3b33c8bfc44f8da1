import { useId, useState, type FormEvent } from 'react';

/** Longer than any admin token we expect; keeps a pasted file out of a request header. */
const MAX_TOKEN_LENGTH = 4096;

/** Asks for an admin token when the dashboard API answers 401 (production stages). */
export function TokenForm({
  message,
  refused,
  onSubmit,
}: {
  /** What the gateway said. */
  message: string;
  /** Whether a token was sent and refused. */
  refused: boolean;
  onSubmit: (token: string) => void;
}) {
  const [value, setValue] = useState('');
  const inputId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = value.trim();
    if (token !== '') onSubmit(token);
  };
  return (
    <form className="token-form" onSubmit={submit} aria-label="Admin token">
      <h2>An admin token is needed</h2>
      <p>
        In production stages the dashboard shows its figures only with an admin token (one of{' '}
        <code>registry.tokens</code> in the gateway&apos;s config). The page keeps it in this tab&apos;s
        session storage and sends it as a bearer token to this gateway only.
      </p>
      <p className={refused ? 'error' : 'muted'} role={refused ? 'alert' : undefined}>
        {message}
      </p>
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
