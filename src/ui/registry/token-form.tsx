import { TokenForm as SharedTokenForm } from '../common/token-form.js';

export interface TokenFormProps {
  /** The token that was just refused, if one was sent. */
  refused: boolean;
  onSubmit: (token: string) => void;
}

/** Asks for an admin token when the registry answers 401 (reads need one in stage prod). */
export function TokenForm({ refused, onSubmit }: TokenFormProps) {
  return (
    <SharedTokenForm
      className="token-form"
      rowClassName="token-row"
      ariaLabel="Registry token"
      label="Admin token"
      submitLabel="Use token"
      onSubmit={onSubmit}
    >
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
    </SharedTokenForm>
  );
}
