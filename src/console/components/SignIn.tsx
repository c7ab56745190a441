/** Sign in with a bearer token; the service decides whether it is valid and what role it has. */
import { useState, type FormEvent } from 'react';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

export function SignIn({ onSignIn }: { onSignIn: (token: string) => Promise<unknown> }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn(token.trim());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="sign-in">
      <h1>Billing console</h1>
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <Field label="Token" hint="The bearer token the operator gave you (README: Tokens and roles).">
          <input
            type="password"
            autoComplete="current-password"
            value={token}
            required
            onChange={(e) => setToken(e.target.value)}
          />
        </Field>
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorBanner error={error} />
      </form>
    </main>
  );
}
