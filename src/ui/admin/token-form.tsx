import { TokenForm as SharedTokenForm } from '../common/token-form.js';

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
  return (
    <SharedTokenForm
      className="token-form"
      rowClassName="token-row"
      ariaLabel="Admin token"
      label="Admin token"
      submitLabel="Use token"
      onSubmit={onSubmit}
    >
      <h2>An admin token is needed</h2>
      <p>
        In production stages the dashboard shows its figures only with an admin token (one of{' '}
        <code>registry.tokens</code> in the gateway&apos;s config). The page keeps it in this tab&apos;s
        session storage and sends it as a bearer token to this gateway only.
      </p>
      <p className={refused ? 'error' : 'muted'} role={refused ? 'alert' : undefined}>
        {message}
      </p>
    </SharedTokenForm>
  );
}
