import type { HyperVBackend } from './backend-port.ts';
import type { EstateInventory } from './estate-source.ts';

/**
 * A copy of the estate a plan can be run on without touching anything real: the prediction runs
 * the plan here first. The composition root supplies the factory (the lab seeded with whichever
 * estate is live), so recovery never names a backend.
 */
export interface Rehearsal {
  /** The copy behind the backend port, on its own simulated clock. */
  readonly backend: HyperVBackend;
  /** Runs the copy's clock to its next scheduled event; false when nothing is scheduled. */
  advance(): boolean;
  /** The primary site goes down in the copy (an unplanned failover is rehearsed from the loss). */
  losePrimarySite(): void;
  dispose(): Promise<void>;
}

export interface RehearsalOptions {
  /** The estate as it is now, from the live backend. */
  inventory: EstateInventory;
  /** Per VM name: how much longer (>1) or shorter its boot and application start are than the model's, as measured. */
  bootScale?: ReadonlyMap<string, number>;
}

export type RehearsalFactory = (options: RehearsalOptions) => Rehearsal;
