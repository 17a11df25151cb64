import { Alert, Button, FileButton, Group, List, Stack, Text, Textarea } from '@mantine/core';
import { useMutation } from '@apollo/client/react';
import { IconFileImport, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../common/ErrorAlert.tsx';
import { CONTACTS_QUERY, CONTACT_LISTS_QUERY, IMPORT_CONTACTS_MUTATION } from './contacts.graphql.ts';
import type { ImportResult } from './contacts.graphql.ts';

const EXAMPLE = 'email,phone,first_name,last_name,email_consent,sms_consent\nmarie@example.com,+33612345678,Marie,Dupont,yes,no';

/** CSV import into one list: every row is checked first; any error and nothing is imported. */
export function ImportContacts({ listId }: { listId: string }) {
  const { t } = useTranslation();
  const [csv, setCsv] = useState('');
  const [result, setResult] = useState<ImportResult | null>(null);
  const [importContacts, { loading, error }] = useMutation(IMPORT_CONTACTS_MUTATION, {
    refetchQueries: [{ query: CONTACT_LISTS_QUERY }, CONTACTS_QUERY],
  });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">{t('contacts.import.help')}</Text>
      <Textarea
        label={t('contacts.import.label')}
        placeholder={EXAMPLE}
        autosize
        minRows={4}
        maxRows={12}
        value={csv}
        onChange={(event) => setCsv(event.currentTarget.value)}
        styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
      />
      <Group>
        <FileButton accept=".csv,text/csv,text/plain" onChange={(file) => void file?.text().then(setCsv)}>
          {(props) => <Button variant="default" leftSection={<IconUpload size={16} />} {...props}>{t('contacts.import.file')}</Button>}
        </FileButton>
        <Button
          leftSection={<IconFileImport size={16} />}
          disabled={!csv.trim()}
          loading={loading}
          onClick={async () => {
            const answer = await importContacts({ variables: { listId, csv } }).catch(() => null);
            if (answer?.data) {
              setResult(answer.data.importContacts);
              if (answer.data.importContacts.errors.length === 0) setCsv('');
            }
          }}
        >
          {t('contacts.import.submit')}
        </Button>
      </Group>
      <ErrorAlert error={error} />
      {result && result.errors.length === 0 ? (
        <Alert color="teal" variant="light" role="status" title={t('contacts.import.done')}>
          {t('contacts.import.summary', { created: result.created, updated: result.updated, added: result.addedToList, consents: result.consentsRecorded })}
        </Alert>
      ) : null}
      {result && result.errors.length > 0 ? (
        <Alert color="red" variant="light" role="alert" title={t('contacts.import.failed', { count: result.errors.length })}>
          <List size="sm">
            {result.errors.map((e) => (
              <List.Item key={`${e.line}-${e.field ?? ''}-${e.message}`}>{t('contacts.import.rowError', { line: e.line, message: e.message })}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
    </Stack>
  );
}
