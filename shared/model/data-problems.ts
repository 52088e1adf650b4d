import { z } from 'zod';

/** Something in the data folder the console could not read, kept aside for the operator to look at. */
export const DataProblemSchema = z.object({
  /** The file it was in. */
  file: z.string(),
  /** Its line (1-based) for a journal line; null for a whole file. */
  line: z.number().int().nullable(),
  problem: z.string(),
  /** Where the unreadable bytes are kept now. */
  keptIn: z.string(),
  /** Wall-clock epoch ms it was kept aside. */
  at: z.number(),
});
export type DataProblem = z.infer<typeof DataProblemSchema>;
