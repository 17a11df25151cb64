import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../apollo/errors.ts';

/** A sentence for people, never a JSON dump; server wording only where it is written for them. */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback(
    (error: unknown) => {
      const { code, detail } = describeError(error);
      switch (code) {
        case 'UNAUTHENTICATED':
          return t('errors.unauthenticated');
        case 'FORBIDDEN':
          return t('errors.forbidden');
        case 'NOT_FOUND':
          return t('errors.notFound');
        case 'BAD_USER_INPUT':
          return detail ? t('errors.badInputWithDetail', { detail }) : t('errors.badInput');
        case 'CONFLICT':
          return detail ? t('errors.conflictWithDetail', { detail }) : t('errors.conflict');
        case 'INSUFFICIENT_CREDITS':
          return t('errors.insufficientCredits');
        case 'RATE_LIMITED':
          return t('errors.rateLimited');
        case 'UNAVAILABLE':
          return t('errors.unavailable');
        case 'NETWORK':
          return t('errors.network');
        default:
          return t('errors.unknown');
      }
    },
    [t],
  );
}
