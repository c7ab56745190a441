/** The page links the role may use, the role, and sign out. */
import type { PageInfo } from '../pages/pages';
import { useSession } from '../session/session-context';

export function Nav({ pages, current }: { pages: PageInfo[]; current: string }) {
  const { role, signOut } = useSession();
  return (
    <header className="top">
      <span className="brand">Billing console</span>
      <nav aria-label="Pages">
        <ul>
          {pages.map((p) => (
            <li key={p.path}>
              <a href={`#/${p.path}`} aria-current={p.path === current ? 'page' : undefined}>
                {p.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <span className="who">
        Role: <strong data-testid="role">{role}</strong>
      </span>
      <button type="button" className="secondary" onClick={signOut}>
        Sign out
      </button>
    </header>
  );
}
