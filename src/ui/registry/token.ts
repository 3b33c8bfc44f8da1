/**
 * The admin token lives in sessionStorage: it survives a reload but not closing the tab, and other
 * tabs do not see it.
 */
const TOKEN_KEY = 'gatehouse.registry.token';

export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    // Storage can be disabled by the browser; the page then asks again after every reload.
    return undefined;
  }
}

export function saveToken(token: string | undefined): void {
  try {
    if (token === undefined) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // See readToken.
  }
}
