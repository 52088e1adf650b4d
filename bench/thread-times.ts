/**
 * Main-thread tasks by the thread's own CPU time (trace `tdur`), beside the wall-clock
 * figure: on a shared, loaded machine a task's wall time includes the time the OS ran other
 * processes, and the two together tell slow code from a busy machine.
 */
export function threadTimes(trace: Buffer): { longestMs: number; totalMs: number } {
  type Ev = { name: string; ph: string; tid: number; pid: number; tdur?: number; args?: { name?: string } };
  const events = (JSON.parse(trace.toString()) as { traceEvents: Ev[] }).traceEvents;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  let longestMs = 0;
  let totalMs = 0;
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask' || !main.has(`${e.pid}:${e.tid}`)) continue;
    longestMs = Math.max(longestMs, (e.tdur ?? 0) / 1000);
    totalMs += (e.tdur ?? 0) / 1000;
  }
  return { longestMs, totalMs };
}
