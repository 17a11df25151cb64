import { Alert, Badge, Box, Button, Center, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery } from '@apollo/client/react';
import { IconCheck, IconClockX, IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { describeError } from '../apollo/errors.ts';
import { ErrorAlert } from '../modules/common/ErrorAlert.tsx';
import { formatDateTime } from '../modules/common/format.ts';
import { FullPageLoader } from '../modules/auth/RequireSession.tsx';
import { LanguageSwitch } from '../modules/shell/LanguageSwitch.tsx';
import { APPROVAL_BY_TOKEN_QUERY, DECIDE_APPROVAL_MUTATION, type ExternalApproval } from '../modules/approvals/approvals.graphql.ts';

/**
 * The public page of an external approval link (no account, no session): the
 * content under review and two answers. The link decides once.
 */
export function ExternalApprovalPage() {
  const { t, i18n } = useTranslation();
  const { token = '' } = useParams();
  const [comment, setComment] = useState('');
  const view = useQuery(APPROVAL_BY_TOKEN_QUERY, { variables: { token }, fetchPolicy: 'network-only' });
  const [decide, decision] = useMutation(DECIDE_APPROVAL_MUTATION);
  const decided: ExternalApproval | undefined = decision.data?.decideApproval;
  const item = decided ?? view.data?.approvalByToken;

  if (view.loading && !view.data) return <FullPageLoader />;
  const gone = !decided && view.error && describeError(view.error).code === 'NOT_FOUND';

  return (
    <Box mih="100vh" bg="var(--mantine-color-gray-0)">
      <Group justify="flex-end" p="lg">
        <LanguageSwitch />
      </Group>
      <Center px="md" pb={80} pt={8}>
        <Paper withBorder shadow="md" radius="lg" p={36} w={720} maw="100%">
          {gone ? (
            <Stack align="center" gap="md" data-testid="approval-link-gone">
              <IconClockX size={44} stroke={1.5} />
              <Title order={1} fz={22} ta="center">{t('externalApproval.goneTitle')}</Title>
              <Text c="dimmed" ta="center">{t('externalApproval.goneBody')}</Text>
            </Stack>
          ) : view.error && !decided ? (
            <ErrorAlert error={view.error} />
          ) : item ? (
            <Stack gap="lg">
              <Stack gap={4}>
                <Text size="sm" c="dimmed">{t('externalApproval.from', { brand: item.brandName })}</Text>
                <Title order={1} fz={24}>{item.title}</Title>
                <Group gap="xs">
                  <Badge variant="light">{t(`channels.${item.channel}`)}</Badge>
                  {item.scheduledAt ? <Text size="sm" c="dimmed">{t('externalApproval.planned', { at: formatDateTime(item.scheduledAt, i18n.language) })}</Text> : null}
                </Group>
              </Stack>
              <Box p="md" bg="var(--mantine-color-gray-0)" style={{ borderRadius: 8, whiteSpace: 'pre-wrap' }}>
                <Text size="sm">{item.body}</Text>
              </Box>
              {decided ? (
                <Alert color={decided.status === 'APPROVED' ? 'teal' : 'orange'} variant="light" role="status" data-testid="external-decision"
                  title={t(decided.status === 'APPROVED' ? 'externalApproval.approvedTitle' : decided.status === 'CHANGES_REQUESTED' ? 'externalApproval.changesTitle' : 'externalApproval.sentTitle')}>
                  {t('externalApproval.thanks', { brand: decided.brandName })}
                </Alert>
              ) : item.status !== 'PENDING' ? (
                <Alert color="gray" variant="light">{t('externalApproval.alreadyDecided')}</Alert>
              ) : (
                <>
                  <Textarea label={t('externalApproval.comment')} description={t('externalApproval.commentHint')} autosize minRows={2} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
                  <ErrorAlert error={decision.error} />
                  <Group>
                    <Button color="teal" size="md" leftSection={<IconCheck size={18} />} loading={decision.loading}
                      onClick={() => void decide({ variables: { token, decision: 'APPROVE', comment: comment.trim() || null } }).catch(() => null)}>
                      {t('externalApproval.approve')}
                    </Button>
                    <Button color="red" variant="light" size="md" leftSection={<IconPencil size={18} />} loading={decision.loading} disabled={!comment.trim()}
                      onClick={() => void decide({ variables: { token, decision: 'REQUEST_CHANGES', comment: comment.trim() } }).catch(() => null)}>
                      {t('externalApproval.requestChanges')}
                    </Button>
                  </Group>
                  <Text size="xs" c="dimmed">{t('externalApproval.linkExpires', { at: formatDateTime(item.linkExpiresAt, i18n.language) })}</Text>
                </>
              )}
            </Stack>
          ) : null}
        </Paper>
      </Center>
    </Box>
  );
}
