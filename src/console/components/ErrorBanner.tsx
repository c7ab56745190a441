/** A failed call, said in words; role refusals and bad tokens get their own wording. */
import { errorMessage } from '../api/error-message';

export function ErrorBanner({ error }: { error: unknown }) {
  if (error === undefined) return null;
  return (
    <p className="error" role="alert">
      {errorMessage(error)}
    </p>
  );
}
