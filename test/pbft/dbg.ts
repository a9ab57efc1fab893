import { Simulation } from '/work/main/src/sim/simulation.ts';
const seed = Number(process.argv[2]);
const sim = new Simulation({ seed, f: 1, byzantine: 'all', faults: ['drop','delay','dup','reorder','partition','crash'], traceLength: 10 });
sim.run();
const reps = (sim as unknown as { replicas: { id: number; core: { status(): unknown; requests: { size: number; oldest(): unknown }; readQueue: unknown[]; tentative: unknown; timerTicks: number } }[] }).replicas;
for (const r of reps) {
  const c = (r as unknown as Record<string, unknown>);
  const core = (c.core ?? c.replica) as { status(): Record<string, unknown>; requests: { size: number }; readQueue: unknown[]; tentative: unknown; timerTicks: number; timerRequest: string };
  const st = core.status(); delete st.stableDigest;
  console.log(r.id, JSON.stringify(st), 'pending', core.requests.size, 'readQ', core.readQueue.length, 'tent', JSON.stringify(core.tentative), 'timer', core.timerTicks, core.timerRequest);
}
