import { IconFileTypePdf, IconFile, IconMovie, IconMusic, IconPhoto } from '@tabler/icons-react';
import type { MediaKind } from './media.graphql.ts';

export function MediaIcon({ kind, size = 40 }: { kind: MediaKind; size?: number }) {
  const props = { size, stroke: 1.4, 'aria-hidden': true };
  switch (kind) {
    case 'IMAGE': return <IconPhoto {...props} />;
    case 'PDF': return <IconFileTypePdf {...props} />;
    case 'AUDIO': return <IconMusic {...props} />;
    case 'VIDEO': return <IconMovie {...props} />;
    default: return <IconFile {...props} />;
  }
}
