import { useId, useState, type FormEvent, type ReactNode } from 'react';

/** Longer than any admin token we expect; keeps a pasted file out of a request header. */
const MAX_TOKEN_LENGTH = 4096;

export interface TokenFormProps {
  /** The form's class: each UI styles its own (`token-form` on the pages, `gatehouse-token` in the sandbox). */
  className: string;
  /** The class of the row holding the input and its button, if the UI styles it. */
  rowClassName?: string;
  /** The form's accessible name, where the page has more than one form or no heading. */
  ariaLabel?: string;
  label: string;
  submitLabel: string;
  /** Empty the input after a submit (the sandbox keeps its form on screen). */
  clearOnSubmit?: boolean;
  /** What the UI says above the input: why a token is asked for, and whether the last one was refused. */
  children?: ReactNode;
  onSubmit: (token: string) => void;
}

/**
 * The admin-token input shared by the registry page, the dashboard and the sandbox: a password field
 * that never autocompletes, bounded in length, sending the trimmed token only when there is one.
 */
export function TokenForm({
  className,
  rowClassName,
  ariaLabel,
  label,
  submitLabel,
  clearOnSubmit = false,
  children,
  onSubmit,
}: TokenFormProps) {
  const [value, setValue] = useState('');
  const inputId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = value.trim();
    if (token !== '') onSubmit(token);
    if (clearOnSubmit) setValue('');
  };

  return (
    <form className={className} onSubmit={submit} aria-label={ariaLabel}>
      {children}
      <label htmlFor={inputId}>{label}</label>
      <div className={rowClassName}>
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
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
