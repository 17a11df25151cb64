import { useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { MEDIA_LIBRARY_QUERY } from './media.graphql.ts';
import type { MediaKind } from './media.graphql.ts';

const PAGE = 24;

/** The library with its filters (search debounced) and "load more". */
export function useMediaLibrary(filters: { search: string; kind: MediaKind | null; tag: string | null }) {
  const [search, setSearch] = useState(filters.search);
  useEffect(() => {
    const timer = setTimeout(() => setSearch(filters.search), 300);
    return () => clearTimeout(timer);
  }, [filters.search]);
  const variables = { search: search.trim() || null, kind: filters.kind, tag: filters.tag, first: PAGE, after: null };
  const query = useQuery(MEDIA_LIBRARY_QUERY, { variables, fetchPolicy: 'cache-and-network', notifyOnNetworkStatusChange: true });
  const page = query.data?.mediaLibrary;
  const loadMore = () => {
    if (!page?.hasNextPage) return;
    void query.fetchMore({
      variables: { ...variables, after: page.endCursor },
      updateQuery: (previous, { fetchMoreResult }) => ({
        mediaLibrary: {
          ...fetchMoreResult.mediaLibrary,
          nodes: [...(previous.mediaLibrary?.nodes ?? []), ...fetchMoreResult.mediaLibrary.nodes],
        },
      }),
    });
  };
  return { ...query, page, loadMore };
}
