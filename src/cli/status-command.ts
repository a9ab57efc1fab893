// `bfs status` (placeholder until its dependencies land).
import type { Command } from 'commander';

export function register(_program: Command): void {}
