import { Group, NativeSelect, TextInput } from '@mantine/core';
import { ENROLLMENT_STATUSES, type EnrollmentStatus } from '../../api/types';

interface Props {
  status: EnrollmentStatus | '';
  search: string;
  onStatus: (s: EnrollmentStatus | '') => void;
  onSearch: (s: string) => void;
}

export function EnrollmentFilters({ status, search, onStatus, onSearch }: Props) {
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <NativeSelect
        label="Status"
        value={status}
        onChange={(e) => onStatus(e.currentTarget.value as EnrollmentStatus | '')}
        data={[{ value: '', label: 'All' }, ...ENROLLMENT_STATUSES.map((s) => ({ value: s, label: s }))]}
        w={150}
      />
      <TextInput
        label="Search by email"
        type="search"
        placeholder="part of an address"
        value={search}
        onChange={(e) => onSearch(e.currentTarget.value)}
        w={{ base: '100%', xs: 260 }}
      />
    </Group>
  );
}
