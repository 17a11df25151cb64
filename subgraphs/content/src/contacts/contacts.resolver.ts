import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { badInput } from '@ensemble/tenancy/errors';
import {
  createContact,
  createList,
  deleteContact,
  deleteList,
  getContact,
  getList,
  importContacts,
  listContacts,
  listLists,
  recordConsent,
  updateContact,
  updateList,
  type ConsentChannel,
  type ContactInput,
  type ContactView,
  type ListInput,
} from './contacts.service.ts';
import { unsubscribeByToken } from './opt-out.service.ts';

function channelOf(value: string): ConsentChannel {
  if (value !== 'EMAIL' && value !== 'SMS') throw badInput('channel must be EMAIL or SMS', 'channel');
  return value.toLowerCase() as ConsentChannel;
}

export const contactsModule: SubgraphModule = {
  sdl: readSdl(new URL('./contacts.graphql', import.meta.url)),
  resolvers: {
    Query: {
      contactLists: (_: unknown, _args: unknown, ctx: RequestContext) => ctx.tx(({ em }) => listLists(em)),
      contactList: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => getList(em, args.id)),
      contacts: (_: unknown, args: { listId?: string | null; search?: string | null; limit: number; offset: number }, ctx: RequestContext) =>
        ctx.tx(({ em }) => listContacts(em, args)),
      contact: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => getContact(em, args.id)),
    },
    Mutation: {
      createContactList: (_: unknown, args: { input: ListInput }, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => createList(em, tenantId, args.input)),
      updateContactList: (_: unknown, args: { id: string; input: ListInput }, ctx: RequestContext) => ctx.tx(({ em }) => updateList(em, args.id, args.input)),
      deleteContactList: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => deleteList(em, args.id)),
      createContact: (_: unknown, args: { input: ContactInput }, ctx: RequestContext) =>
        ctx.tx(({ em, tenantId }) => createContact(em, tenantId, args.input, ctx.identity.kind === 'api_key' ? 'api' : 'manual')),
      updateContact: (_: unknown, args: { id: string; input: ContactInput }, ctx: RequestContext) => ctx.tx(({ em }) => updateContact(em, args.id, args.input)),
      deleteContact: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => deleteContact(em, args.id)),
      setContactConsent: (_: unknown, args: { id: string; channel: string; granted: boolean }, ctx: RequestContext) => ctx.tx(async ({ em }) => {
        const channel = channelOf(args.channel);
        const contact = await getContact(em, args.id);
        if (args.granted && !(channel === 'email' ? contact.email : contact.phone)) {
          throw badInput(`the contact has no ${channel === 'email' ? 'e-mail address' : 'phone number'}`, 'channel');
        }
        await recordConsent(em, contact.tenantId, contact.id, channel, args.granted, ctx.identity.kind === 'api_key' ? 'api' : 'manual',
          { by: ctx.identity.kind === 'user' ? ctx.identity.actorId : ctx.identity.kind });
        return getContact(em, contact.id);
      }),
      importContacts: (_: unknown, args: { listId: string; csv: string }, ctx: RequestContext) => ctx.tx(({ em, tenantId }) =>
        importContacts(em, tenantId, { listId: args.listId, csv: args.csv, consentProof: { importedBy: ctx.identity.kind === 'user' ? ctx.identity.actorId : ctx.identity.kind } })),
      unsubscribe: async (_: unknown, args: { token: string }, ctx: RequestContext) => {
        const outcome = await unsubscribeByToken(ctx.orm, args.token);
        return { channel: outcome.channel.toUpperCase(), senderName: outcome.senderName, alreadyUnsubscribed: !outcome.changed };
      },
    },
    Contact: {
      status: (c: ContactView) => c.status.toUpperCase(),
      consents: (c: ContactView) => c.consents.map((x) => ({ ...x, channel: x.channel.toUpperCase(), status: x.status.toUpperCase() })),
    },
  },
};
