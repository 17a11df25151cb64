import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export type ConsentChannel = 'EMAIL' | 'SMS';

export interface ContactConsent {
  channel: ConsentChannel;
  status: 'GRANTED' | 'WITHDRAWN';
  source: string;
  at: string;
}

export interface Contact {
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string;
  status: string;
  createdAt: string;
  consents: ContactConsent[];
  listIds: string[];
}

export interface ContactList {
  id: string;
  name: string;
  description: string;
  locale: string;
  members: number;
  emailConsents: number;
  smsConsents: number;
}

export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
  addedToList: number;
  consentsRecorded: number;
  errors: Array<{ line: number; field: string | null; message: string }>;
}

const LIST_FIELDS = 'id name description locale members emailConsents smsConsents';
const CONTACT_FIELDS = 'id email phone firstName lastName locale status createdAt consents { channel status source at } listIds';

export const CONTACT_LISTS_QUERY: TypedDocumentNode<{ contactLists: ContactList[] }, Record<string, never>> = gql`
  query ContactLists { contactLists { ${LIST_FIELDS} } }
`;

export const CONTACTS_QUERY: TypedDocumentNode<{ contacts: { total: number; contacts: Contact[] } }, { listId: string | null; search: string | null; limit: number; offset: number }> = gql`
  query Contacts($listId: ID, $search: String, $limit: Int, $offset: Int) {
    contacts(listId: $listId, search: $search, limit: $limit, offset: $offset) { total contacts { ${CONTACT_FIELDS} } }
  }
`;

export const CREATE_LIST_MUTATION: TypedDocumentNode<{ createContactList: ContactList }, { input: { name: string; description?: string | null } }> = gql`
  mutation CreateContactList($input: ContactListInput!) { createContactList(input: $input) { ${LIST_FIELDS} } }
`;

export interface ContactInput {
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  listIds?: string[];
  emailConsent?: boolean | null;
  smsConsent?: boolean | null;
}

export const CREATE_CONTACT_MUTATION: TypedDocumentNode<{ createContact: Contact }, { input: ContactInput }> = gql`
  mutation CreateContact($input: ContactInput!) { createContact(input: $input) { ${CONTACT_FIELDS} } }
`;

export const SET_CONSENT_MUTATION: TypedDocumentNode<{ setContactConsent: Contact }, { id: string; channel: ConsentChannel; granted: boolean }> = gql`
  mutation SetContactConsent($id: ID!, $channel: ConsentChannel!, $granted: Boolean!) {
    setContactConsent(id: $id, channel: $channel, granted: $granted) { ${CONTACT_FIELDS} }
  }
`;

export const IMPORT_CONTACTS_MUTATION: TypedDocumentNode<{ importContacts: ImportResult }, { listId: string; csv: string }> = gql`
  mutation ImportContacts($listId: ID!, $csv: String!) {
    importContacts(listId: $listId, csv: $csv) { rows created updated addedToList consentsRecorded errors { line field message } }
  }
`;

export const UNSUBSCRIBE_MUTATION: TypedDocumentNode<{ unsubscribe: { channel: ConsentChannel; senderName: string; alreadyUnsubscribed: boolean } }, { token: string }> = gql`
  mutation Unsubscribe($token: String!) { unsubscribe(token: $token) { channel senderName alreadyUnsubscribed } }
`;
