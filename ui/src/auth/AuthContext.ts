import { createContext, useContext } from 'react';
import type { User } from '../api/types';

export type AuthState =
  | { status: 'loading'; user: null }
  | { status: 'in'; user: User }
  | { status: 'out'; user: null };

export interface AuthValue {
  state: AuthState;
  login: (username: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
}

export const AuthContext = createContext<AuthValue | null>(null);

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
