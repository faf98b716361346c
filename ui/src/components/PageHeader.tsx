import { Anchor, Breadcrumbs, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

export interface Crumb {
  label: string;
  to?: string;
}

interface Props {
  title: ReactNode;
  crumbs?: Crumb[];
  badge?: ReactNode;
  actions?: ReactNode;
}

export function PageHeader({ title, crumbs, badge, actions }: Props) {
  return (
    <Stack gap={4} mb="md">
      {crumbs && crumbs.length > 0 && (
        // Breadcrumbs renders a div: the nav landmark is ours.
        <nav aria-label="Breadcrumb">
          {/* Crumbs are nowrap by default: a long name must wrap, not widen the page. */}
          <Breadcrumbs
            separator="›"
            styles={{ breadcrumb: { whiteSpace: 'normal', overflowWrap: 'anywhere', minWidth: 0, lineHeight: 1.4 } }}
          >
            {crumbs.map((c) =>
              c.to ? (
                <Anchor key={c.label + c.to} component={Link} to={c.to} size="sm">
                  {c.label}
                </Anchor>
              ) : (
                <Text span key={c.label} size="sm" aria-current="page">
                  {c.label}
                </Text>
              ),
            )}
          </Breadcrumbs>
        </nav>
      )}
      <Group justify="space-between" align="center" gap="sm" wrap="wrap">
        <Group gap="sm" wrap="wrap" style={{ minWidth: 0 }}>
          <Title order={2} style={{ overflowWrap: 'anywhere' }}>
            {title}
          </Title>
          {badge}
        </Group>
        {actions && (
          <Group gap="xs" wrap="wrap">
            {actions}
          </Group>
        )}
      </Group>
    </Stack>
  );
}
