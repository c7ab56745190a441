/** Signs in, then shows the page the hash names among those the role may see. */
import { useEffect, useMemo, useState } from 'react';
import { createClients } from './api/clients';
import { createTransport } from './api/transport';
import { Nav } from './components/Nav';
import { SignIn } from './components/SignIn';
import { useRoute } from './components/use-route';
import { CustomersPage } from './pages/CustomersPage';
import { InvoicePage } from './pages/InvoicePage';
import { InvoicesPage } from './pages/InvoicesPage';
import { pagesFor } from './pages/pages';
import { PeriodsPage } from './pages/PeriodsPage';
import { RulesPage } from './pages/RulesPage';
import { UnratedPage } from './pages/UnratedPage';
import { identifyRole } from './session/identify-role';
import { SessionContext, useSession, type Session } from './session/session-context';
import { clearToken, loadToken, saveToken } from './session/session-store';

export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [restoring, setRestoring] = useState(() => loadToken() !== undefined);

  async function signIn(token: string) {
    const clients = createClients(createTransport(token));
    const role = await identifyRole(clients);
    saveToken(token);
    setSession({
      role,
      clients,
      signOut() {
        clearToken();
        setSession(undefined);
      },
    });
  }

  useEffect(() => {
    const token = loadToken();
    if (!token) return;
    signIn(token)
      .catch(() => clearToken())
      .finally(() => setRestoring(false));
  }, []);

  if (restoring)
    return (
      <p className="loading" role="status">
        Signing in…
      </p>
    );
  if (!session) return <SignIn onSignIn={signIn} />;
  return (
    <SessionContext.Provider value={session}>
      <Console />
    </SessionContext.Provider>
  );
}

function Console() {
  const { role } = useSession();
  const pages = useMemo(() => pagesFor(role), [role]);
  const [page = pages[0]?.path ?? '', id] = useRoute();
  const visible = pages.some((p) => p.path === page);
  return (
    <>
      <Nav pages={pages} current={page} />
      <main className="page">
        {!visible ? (
          <p className="empty">
            {pages.length === 0 ? `The role ${role} has no pages in the console.` : 'No such page.'}
          </p>
        ) : page === 'invoices' && id ? (
          <InvoicePage id={id} />
        ) : page === 'invoices' ? (
          <InvoicesPage />
        ) : page === 'periods' ? (
          <PeriodsPage />
        ) : page === 'customers' ? (
          <CustomersPage account={id} />
        ) : page === 'rules' ? (
          <RulesPage />
        ) : (
          <UnratedPage />
        )}
      </main>
    </>
  );
}
