// `bfs demo` / `npm run demo`: the whole story on one machine. A group of four
// replica processes, a FUSE mount, the Andrew workload on the shipped Lua tree,
// SIGKILL of the primary half way through the copy, the view change watched
// live, the rest of the workload (including make) on the survivors, every byte
// verified, then everything stopped. Resolves true only if every check passed.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PHASE_NAMES, type PhaseName } from '../andrew/phases.js';
import { runAndrew, type AndrewResult } from '../andrew/run-andrew.js';
import { extractSource, LUA_TARBALL, type SourceTree } from '../andrew/source-tree.js';
import { verifyCopy } from '../andrew/verify.js';
import { sleep } from '../lib/children.js';
import { LocalGroup } from '../lib/local-group.js';
import { MountProcess } from '../lib/mount-process.js';
import { REPO_ROOT } from '../lib/paths.js';
import { createProgress, type Progress } from '../lib/progress.js';
import { ViewWatcher, type ViewChangeSeen } from './view-watcher.js';

export interface DemoOptions {
  replicas?: number;
  /** Skip phase 5 (make) for a quicker run. */
  skipMake?: boolean;
  /** Do not kill the primary (a plain run). */
  noKill?: boolean;
  /** Keep the cluster directory (logs) afterwards. */
  keep?: boolean;
}

interface Check { name: string; ok: boolean; detail: string }

export class Demo {
  private readonly progress: Progress = createProgress();
  private readonly checks: Check[] = [];
  private readonly dead = new Set<number>();
  private readonly say: (line: string) => void;
  private group: LocalGroup | null = null;
  private mount: MountProcess | null = null;
  private scratch = '';
  private viewChange: ViewChangeSeen | null = null;
  private killedPrimary = -1;
  private readonly stepsMs: Record<string, number> = {};

  constructor(private readonly opts: DemoOptions = {}) {
    this.say = (line) => this.progress.log(line);
  }

  async run(): Promise<boolean> {
    const started = Date.now();
    try {
      await this.step('setup', () => this.setupSystem());
      const tree = await this.step('source', () => this.prepareSource());
      await this.step('group', () => this.startGroup());
      await this.step('mount', () => this.startMount());
      const result = await this.step('workload', () => this.workload(tree));
      await this.step('verify', () => this.verify(tree));
      await this.step('agree', () => this.checkAgreement());
      this.story(result, tree, Date.now() - started);
    } catch (err) {
      this.check('demo ran to the end', false, (err as Error).message);
    } finally {
      await this.shutdown();
    }
    return this.report();
  }

  private async step<T>(name: string, body: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    try {
      return await body();
    } finally {
      this.stepsMs[name] = Date.now() - t0;
    }
  }

  private check(name: string, ok: boolean, detail: string): void {
    this.checks.push({ name, ok, detail });
    this.say(`${ok ? '✔' : '✘'} ${name}${detail ? `: ${detail}` : ''}`);
  }

  private async setupSystem(): Promise<void> {
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('bash', [join(REPO_ROOT, 'scripts', 'setup-system.sh')], { stdio: 'inherit' });
      child.on('error', () => resolve(-1));
      child.on('close', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`scripts/setup-system.sh failed (exit ${code}): FUSE support is missing`);
  }

  private async prepareSource(): Promise<SourceTree> {
    this.scratch = await mkdtemp(join(tmpdir(), 'bfs-demo-src-'));
    const tree = await extractSource(this.scratch);
    this.check('source tarball verified', true, `${LUA_TARBALL.file} sha256 ${LUA_TARBALL.sha256.slice(0, 16)}…, ${tree.files.length} files, ${tree.bytes} bytes`);
    return tree;
  }

  private async startGroup(): Promise<void> {
    const n = this.opts.replicas ?? 4;
    this.say(`starting ${n} replicas…`);
    this.group = await LocalGroup.start({ replicas: n, logLevel: 'info' });
    const s = await this.group.status(0);
    const ports = this.group.config.replicas.map((r) => r.port).join(', ');
    this.check('group up', true, `${n} replica processes on 127.0.0.1:${ports}, view ${s?.view ?? '?'}, primary r${s?.primary ?? '?'} (cluster dir ${this.group.dir})`);
  }

  private async startMount(): Promise<void> {
    const group = this.requireGroup();
    this.mount = await MountProcess.start({
      mountpoint: join(group.dir, 'mnt'), configPath: group.configPath, keyPath: group.clientKeyPaths[0],
      logFile: join(group.dir, 'mount.log'),
    });
    this.check('mounted', true, this.mount.mountpoint);
  }

  private async workload(tree: SourceTree): Promise<AndrewResult> {
    const group = this.requireGroup();
    const target = join(this.requireMount().mountpoint, 'andrew');
    const watcher = new ViewWatcher(group, this.dead);
    let killScheduled = this.opts.noKill === true;
    const result = await runAndrew({
      tree, target, skipMake: this.opts.skipMake,
      onProgress: (phase, done, total) => {
        this.progress.update(`phase ${PHASE_NAMES.indexOf(phase) + 1} ${phase}`, done, total);
        if (!killScheduled && phase === 'copy' && done * 2 >= total) {
          killScheduled = true;
          void this.killPrimary(watcher);
        }
      },
    });
    this.progress.stop();
    if (!this.opts.noKill) await this.awaitViewChange(watcher);
    const times = PHASE_NAMES.map((p) => `${p} ${(result.phasesMs[p] / 1000).toFixed(2)} s`).join(', ');
    this.check('workload finished on the mount', true, times);
    return result;
  }

  private async killPrimary(watcher: ViewWatcher): Promise<void> {
    const group = this.requireGroup();
    const statuses = await group.statusAll();
    const view = Math.max(...statuses.map((s) => s?.view ?? 0));
    const primary = statuses.find((s) => s?.view === view)?.primary ?? view % group.n;
    this.killedPrimary = primary;
    this.dead.add(primary);
    group.kill(primary);
    this.say(`⚡ SIGKILL primary r${primary} (view ${view}) half way through the copy`);
    watcher.start(view, Date.now());
    void watcher.seen.then((seen) => {
      this.viewChange = seen;
      this.say(`↻ view ${seen.fromView} -> ${seen.toView}, new primary r${seen.newPrimary} after ${(seen.afterMs / 1000).toFixed(1)} s`);
    });
  }

  /** The workload may finish before the survivors report the new view. */
  private async awaitViewChange(watcher: ViewWatcher): Promise<void> {
    const seen = await Promise.race([watcher.seen, sleep(30_000).then(() => null)]);
    watcher.stop();
    if (!seen) {
      this.check('view change after killing the primary', false, 'no new view within 30 s of the workload ending');
      return;
    }
    this.check('view change after killing the primary', seen.newPrimary !== this.killedPrimary,
      `view ${seen.fromView} -> ${seen.toView}, new primary r${seen.newPrimary} after ${(seen.afterMs / 1000).toFixed(1)} s`);
  }

  private async verify(tree: SourceTree): Promise<void> {
    const copy = join(this.requireMount().mountpoint, 'andrew', 'copy-0');
    const v = await verifyCopy(tree, copy);
    const ok = v.mismatches.length === 0 && v.files === tree.files.length && v.bytes === tree.bytes;
    this.check('every byte verified (sha256 per file)', ok,
      ok ? `${v.files} files, ${v.bytes} bytes identical to the original` : `${v.mismatches.length} mismatches: ${v.mismatches.slice(0, 3).join('; ')}`);
  }

  /** The surviving replicas converge on one state digest at one sequence number. */
  private async checkAgreement(): Promise<void> {
    const group = this.requireGroup();
    const deadline = Date.now() + 15_000;
    let detail = '';
    while (Date.now() < deadline) {
      const live = (await group.statusAll()).flatMap((s, i) => (s && !this.dead.has(i) ? [s] : []));
      const execs = new Set(live.map((s) => s.lastExecuted));
      const digests = new Set(live.map((s) => Buffer.from(s.stateDigest).toString('hex')));
      detail = `${live.length} live replicas at seq ${[...execs].join('/')}, ${digests.size} distinct state digest(s)`;
      if (live.length >= group.n - (group.n - 1) / 3 && execs.size === 1 && digests.size === 1) {
        this.check('surviving replicas agree', true, `${detail} (${[...digests][0].slice(0, 16)}…)`);
        return;
      }
      await sleep(250);
    }
    this.check('surviving replicas agree', false, detail);
  }

  private async shutdown(): Promise<void> {
    this.progress.stop();
    if (this.mount) {
      await this.mount.stop().then(() => this.check('unmounted', true, ''), (err: unknown) => this.check('unmounted', false, (err as Error).message));
    }
    await this.group?.stop(this.opts.keep || this.checks.some((c) => !c.ok));
    if (this.scratch) await rm(this.scratch, { recursive: true, force: true });
  }

  private story(result: AndrewResult, tree: SourceTree, totalMs: number): void {
    const lines = [
      '',
      'The story',
      `  Four replicas (f = 1) started and agreed on view 0 in ${s(this.stepsMs.group)}; a FUSE mount came up in ${s(this.stepsMs.mount)}.`,
      `  The Andrew workload on Lua ${LUA_TARBALL.debianVersion} (${tree.files.length} files, ${tree.bytes} bytes) ran through the mount:`,
      ...PHASE_NAMES.map((p: PhaseName, i) => `    ${i + 1}. ${p.padEnd(5)} ${s(result.phasesMs[p]).padStart(8)}`),
    ];
    if (this.killedPrimary >= 0) {
      const vc = this.viewChange;
      lines.push(`  Half way through the copy the primary r${this.killedPrimary} was SIGKILLed; ` +
        (vc ? `the others moved to view ${vc.toView} with primary r${vc.newPrimary} after ${s(vc.afterMs)}, and the workload went on.` : 'no view change was seen.'));
    }
    lines.push(`  Every byte was read back and compared by sha256 (${s(this.stepsMs.verify)}). Total ${s(totalMs)}.`, '');
    for (const line of lines) this.say(line);
  }

  private report(): boolean {
    const failed = this.checks.filter((c) => !c.ok);
    this.say(failed.length === 0 ? `demo: all ${this.checks.length} checks passed` : `demo: ${failed.length} of ${this.checks.length} checks FAILED: ${failed.map((c) => c.name).join(', ')}`);
    if (failed.length > 0 && this.group) this.say(`logs kept in ${this.group.dir}`);
    return failed.length === 0;
  }

  private requireGroup(): LocalGroup {
    if (!this.group) throw new Error('demo: the group is not running');
    return this.group;
  }

  private requireMount(): MountProcess {
    if (!this.mount) throw new Error('demo: nothing is mounted');
    return this.mount;
  }
}

function s(ms: number | undefined): string {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(2)} s`;
}

export function runDemo(opts: DemoOptions = {}): Promise<boolean> {
  return new Demo(opts).run();
}
