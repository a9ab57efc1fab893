// Progress for long runs: a cli-progress bar on a terminal, plain lines (at
// phase start, every quarter and at the end) when stderr is a pipe or a file.
import cliProgress from 'cli-progress';
import type { ProgressFn } from '../andrew/phases.js';

export interface Progress {
  /** Report `done` of `total` for the step named `label`; a new label starts a new bar. */
  update(label: string, done: number, total: number): void;
  /** Print a line without tearing the bar. */
  log(line: string): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

/** Adapt a Progress to the Andrew phases, prefixing the label (e.g. the config). */
export function andrewProgress(progress: Progress, prefix: string): ProgressFn {
  return (phase, done, total) => progress.update(`${prefix} ${phase}`, done, total);
}

class BarProgress implements Progress {
  private multi: cliProgress.MultiBar | null = null;
  private bar: cliProgress.SingleBar | null = null;
  private label = '';

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(label: string, done: number, total: number): void {
    this.multi ??= new cliProgress.MultiBar({
      stream: this.stream,
      format: '{label} [{bar}] {value}/{total} {duration_formatted}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
    }, cliProgress.Presets.shades_classic);
    if (label !== this.label || this.bar === null) {
      this.bar?.stop();
      this.label = label;
      this.bar = this.multi.create(total, done, { label: label.padEnd(24) });
    }
    this.bar.setTotal(total);
    this.bar.update(done);
  }

  log(line: string): void {
    if (this.multi) this.multi.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  /** Stops drawing; a later update() starts a new bar. */
  stop(): void {
    this.multi?.stop();
    this.multi = null;
    this.bar = null;
    this.label = '';
  }
}

class LineProgress implements Progress {
  private label = '';
  private lastQuarter = -1;

  constructor(private readonly stream: NodeJS.WritableStream) {}

  update(label: string, done: number, total: number): void {
    if (label !== this.label) {
      this.label = label;
      this.lastQuarter = -1;
    }
    const quarter = total > 0 ? Math.floor((4 * done) / total) : 4;
    if (quarter === this.lastQuarter) return;
    this.lastQuarter = quarter;
    this.stream.write(`${label}: ${done}/${total}\n`);
  }

  log(line: string): void {
    this.stream.write(`${line}\n`);
  }

  stop(): void {}
}
