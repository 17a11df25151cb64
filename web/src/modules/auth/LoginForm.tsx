import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { IconAlertTriangle } from '@tabler/icons-react';
import { describeError } from '../../apollo/errors.ts';
import { useErrorMessage } from '../common/useErrorMessage.ts';
import { useSession } from './useSession.ts';

export function LoginForm() {
  const { t } = useTranslation();
  const { login } = useSession();
  const describe = useErrorMessage();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    try {
      await login(email.trim(), password);
    } catch (caught) {
      setError(caught);
      setPending(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate={false}>
      <Stack gap="md">
        {error ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={t('login.failed')}>
            {/* At sign-in, "unauthenticated" means wrong credentials, not an expired session. */}
            {['UNAUTHENTICATED', 'BAD_USER_INPUT', 'NOT_FOUND'].includes(describeError(error).code) ? t('login.wrongCredentials') : describe(error)}
          </Alert>
        ) : null}
        <TextInput
          label={t('login.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          placeholder={t('login.emailPlaceholder')}
        />
        <PasswordInput
          label={t('login.password')}
          autoComplete="current-password"
          visibilityToggleButtonProps={{ 'aria-label': t('login.togglePassword') }}
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
        />
        <Button type="submit" loading={pending} fullWidth mt="xs" size="md">
          {t('login.submit')}
        </Button>
      </Stack>
    </form>
  );
}
