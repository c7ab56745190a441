/** The signed-in token, kept for the browser tab only (sessionStorage), never in localStorage. */
const KEY = 'billing-console-token';

export function loadToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}
