import { Group, SegmentedControl, Select, TextInput } from '@mantine/core';
import { useQuery } from '@apollo/client/react';
import { IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { MEDIA_KINDS, MEDIA_TAGS_QUERY } from './media.graphql.ts';
import type { MediaKind } from './media.graphql.ts';

export interface MediaFilterState {
  search: string;
  kind: MediaKind | null;
  tag: string | null;
}

export function MediaFilters({ value, onChange, kinds = true }: { value: MediaFilterState; onChange: (next: MediaFilterState) => void; kinds?: boolean }) {
  const { t } = useTranslation();
  const tags = useQuery(MEDIA_TAGS_QUERY, { fetchPolicy: 'cache-and-network' });
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <TextInput
        label={t('media.filters.search')}
        placeholder={t('media.filters.searchPlaceholder')}
        leftSection={<IconSearch size={16} />}
        value={value.search}
        onChange={(event) => onChange({ ...value, search: event.currentTarget.value })}
        w={260}
      />
      {kinds ? (
        <SegmentedControl
          aria-label={t('media.filters.kind')}
          value={value.kind ?? 'ALL'}
          onChange={(kind) => onChange({ ...value, kind: kind === 'ALL' ? null : (kind as MediaKind) })}
          data={[{ value: 'ALL', label: t('media.filters.all') }, ...MEDIA_KINDS.map((kind) => ({ value: kind, label: t(`media.kinds.${kind}`) }))]}
        />
      ) : null}
      <Select
        label={t('media.filters.tag')}
        placeholder={t('media.filters.anyTag')}
        value={value.tag}
        onChange={(tag) => onChange({ ...value, tag })}
        data={(tags.data?.mediaTags ?? []).map((tag) => ({ value: tag.tag, label: `${tag.tag} (${tag.count})` }))}
        clearable
        searchable
        w={200}
      />
    </Group>
  );
}
