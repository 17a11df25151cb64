// Prices and changes in the UI's language: 1 299,99 € / €1,299.99, +16,7 %.

export function formatMoney(minor: number | null, currency: string | null, language: string): string {
  if (minor === null) return '—';
  const value = minor / 100;
  if (!currency) return new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency }).format(value);
  } catch {
    return `${new Intl.NumberFormat(language, { minimumFractionDigits: 2 }).format(value)} ${currency}`;
  }
}

export function formatChange(percent: number | null, language: string): string {
  if (percent === null) return '';
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1, signDisplay: 'exceptZero' }).format(percent / 100);
}

/** Price rises are bad news for nobody in particular: up is orange, down is teal. */
export function changeColor(percent: number | null): string {
  if (percent === null || percent === 0) return 'gray';
  return percent > 0 ? 'orange' : 'teal';
}
