import { Client, Connection } from '@temporalio/client';
import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { studioModule } from './studio/studio.resolver.ts';
import { pipelineModule } from './pipeline/pipeline.resolver.ts';
import { mediaModule } from './media/media.resolver.ts';
import { utmModule } from './utm/utm.resolver.ts';
import { publicationModule } from './publication/publication.resolver.ts';
import { contactsModule } from './contacts/contacts.resolver.ts';
import { calendarModule } from './calendar/calendar.resolver.ts';
import { approvalModule } from './approval/approval.resolver.ts';
import { watchModule } from './watch/watch.resolver.ts';
import { evergreenModule } from './evergreen/evergreen.resolver.ts';

// Connects on first use, so importing the modules (e.g. to compose the
// supergraph) needs no Temporal server.
const temporal = new Client({
  connection: Connection.lazy({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }),
  namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
});

export const modules: SubgraphModule[] = [studioModule, pipelineModule({ temporal }), mediaModule, utmModule, publicationModule, contactsModule, calendarModule({ temporal }), approvalModule({ temporal }), watchModule({ temporal }), evergreenModule()];
