import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { humanizeKey } from '../common/format.ts';

const KNOWN_ROLES = ['super_admin', 'distributor_admin', 'distributor_member', 'client_admin', 'client_editor', 'client_viewer', 'support_agent'] as const;
type KnownRole = (typeof KNOWN_ROLES)[number];

/** Role names are data (tenants.role rows): translate the platform's own, show custom ones as written. */
export function useRoleLabel(): (role: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (role: string) => {
      const key = role.trim().toLowerCase().replace(/[\s-]+/g, '_');
      return (KNOWN_ROLES as readonly string[]).includes(key) ? t(`roles.${key as KnownRole}`) : humanizeKey(role);
    },
    [t],
  );
}
