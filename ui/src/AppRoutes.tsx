import { Navigate, Route, Routes } from 'react-router';
import { RequireAuth } from './auth/RequireAuth';
import { AppLayout } from './components/AppLayout';
import { EnrollmentPage } from './pages/EnrollmentPage';
import { LoginPage } from './pages/LoginPage';
import { MailboxesPage } from './pages/MailboxesPage';
import { MailboxPage } from './pages/MailboxPage';
import { NewSequencePage } from './pages/NewSequencePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SequencePage } from './pages/SequencePage';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        }
      >
        <Route index element={<Navigate to="/mailboxes" replace />} />
        <Route path="mailboxes" element={<MailboxesPage />} />
        <Route path="mailboxes/:mailboxId/sequences/new" element={<NewSequencePage />} />
        <Route path="mailboxes/:mailboxId/:tab?" element={<MailboxPage />} />
        <Route path="sequences/:sequenceId" element={<SequencePage />} />
        <Route path="enrollments/:enrollmentId" element={<EnrollmentPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
