/** The signed-in session: the token's role and typed clients that send the token. */
import { createContext, useContext } from 'react';
import type { Role } from '../../auth/roles';
import type { Clients } from '../api/clients';

export interface Session {
  role: Role;
  clients: Clients;
  signOut: () => void;
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
