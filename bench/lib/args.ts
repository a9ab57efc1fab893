// Small argument checks shared by the bench programs.
export function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got "${text}"`);
  return n;
}

export function intList(text: string, flag: string): number[] {
  return text.split(',').map((part) => positiveInt(part.trim(), flag));
}
