// Provider selection by name (config / CLI flag `--crypto native|noble`).
import { nativeProvider } from './native.js';
import { nobleProvider } from './noble.js';
import type { CryptoProvider } from './provider.js';

export type ProviderName = CryptoProvider['name'];
export const providerNames: readonly ProviderName[] = ['native', 'noble'];

export function getProvider(name: ProviderName = 'native'): CryptoProvider {
  return name === 'noble' ? nobleProvider : nativeProvider;
}

export { nativeProvider, nobleProvider };
