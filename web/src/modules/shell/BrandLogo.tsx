import { Group, Text } from '@mantine/core';
import { useBranding } from '../../branding/useBranding.ts';

/** The white label's logo, or Ensemble's mark: three voices overlapping into one. */
export function BrandMark({ size = 32 }: { size?: number }) {
  const branding = useBranding();
  if (branding.logoUrl) return <img src={branding.logoUrl} alt="" width={size} height={size} style={{ objectFit: 'contain' }} />;
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="8" fill={branding.primaryColor} opacity="0.9" />
      <circle cx="20" cy="12" r="8" fill={branding.accentColor} opacity="0.85" />
      <circle cx="16" cy="19" r="8" fill={branding.primaryColor} opacity="0.55" />
    </svg>
  );
}

export function BrandLogo({ size = 32, withName = true }: { size?: number; withName?: boolean }) {
  const branding = useBranding();
  return (
    <Group gap={10} wrap="nowrap">
      <BrandMark size={size} />
      {withName ? (
        <Text fw={700} fz={size * 0.6} lh={1} style={{ letterSpacing: '-0.01em' }}>
          {branding.name}
        </Text>
      ) : null}
    </Group>
  );
}
