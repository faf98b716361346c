// The frame of every page once logged in: a header with the product name, who is logged in
// and "Log out"; the page below scrolls. Works from 390 px up (the user name hides first).
import { Anchor, AppShell, Box, Button, Group, Text } from '@mantine/core';
import { Link, Outlet, useNavigate } from 'react-router';
import { useAuth } from '../auth/AuthContext';

export function AppLayout() {
  const { state, logout } = useAuth();
  const navigate = useNavigate();
  const onLogout = async () => {
    await logout();
    navigate('/login', { replace: true });
  };
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Anchor component={Link} to="/mailboxes" fw={700} size="lg" underline="never">
            Mailmark
          </Anchor>
          <Group gap="sm" wrap="nowrap">
            {state.user && (
              <Text size="sm" c="dimmed" visibleFrom="xs" truncate maw={200}>
                {state.user.name}
              </Text>
            )}
            <Button variant="default" size="xs" onClick={onLogout}>
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Box maw={1200} mx="auto">
          <Outlet />
        </Box>
      </AppShell.Main>
    </AppShell>
  );
}
