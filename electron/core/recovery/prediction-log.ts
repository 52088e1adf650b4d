import { join } from 'node:path';
import { describeZodError } from '../../../shared/contract/errors.ts';
import { RunPredictionSchema, type RunPrediction } from '../../../shared/model/run-prediction.ts';
import type { RunHeader } from '../../../shared/model/recovery-run.ts';
import { openDurableAppend, type DurableAppend } from '../journal/durable-append.ts';
import { readKeepingAside } from '../journal/quarantine.ts';
import type { LoggerPort } from '../ports.ts';

/**
 * Every prediction made, kept (append-only, fsync'd) so a run's report and the trend can show what
 * was expected before it started, not what a prediction made afterwards would say.
 */
export class PredictionLog {
  private readonly journal: DurableAppend<RunPrediction>;
  private readonly predictions: RunPrediction[];

  constructor(dataDir: string, logger: LoggerPort) {
    const file = join(dataDir, 'predictions', 'predictions.jsonl');
    this.predictions = readKeepingAside(file, (value) => {
      const parsed = RunPredictionSchema.safeParse(value);
      if (!parsed.success) throw new Error(describeZodError(parsed.error).message);
      return parsed.data;
    }, { what: 'a prediction', tornTail: 'cut', logger }).records;
    this.journal = openDurableAppend<RunPrediction>({ file, what: 'the prediction log', tornTail: 'cut' });
  }

  /** Durable before it returns. */
  add(prediction: RunPrediction): void {
    this.journal.append(prediction);
    this.journal.flush();
    this.predictions.push(prediction);
  }

  /**
   * The last prediction of this plan and run type made from the estate before the run started, and
   * after the previous run of the same plan and type started: a run nobody predicted has no
   * prediction, not the one made for the run before it.
   */
  before(run: Pick<RunHeader, 'planId' | 'type' | 'startedAt'>, runs: readonly Pick<RunHeader, 'planId' | 'type' | 'startedAt'>[] = []): RunPrediction | null {
    const same = (r: Pick<RunHeader, 'planId' | 'type'>) => r.planId === run.planId && r.type === run.type;
    const previous = Math.max(-Infinity, ...runs.filter((r) => same(r) && r.startedAt < run.startedAt).map((r) => r.startedAt));
    for (let i = this.predictions.length - 1; i >= 0; i--) {
      const p = this.predictions[i]!;
      if (same(p) && p.estateAt <= run.startedAt && p.estateAt > previous) return p;
    }
    return null;
  }

  all(): readonly RunPrediction[] { return this.predictions; }

  close(): void { this.journal.close({ flush: true }); }
}
