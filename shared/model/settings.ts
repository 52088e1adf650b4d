import { z } from 'zod';

export const ThemeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof ThemeSchema>;

export const SettingsSchema = z.object({
  theme: ThemeSchema,
  /** Minutes; the promise the estate is measured against. */
  rtoTargetMinutes: z.number().int().min(1).max(24 * 60),
  /** A desktop notification for each replication alert raised (desktop app only). Older stores lack it: on. */
  desktopNotifications: z.boolean().default(true),
  lab: z.object({
    seed: z.number().int().min(0).max(2 ** 31 - 1),
    vmCount: z.number().int().min(10).max(20_000),
  }),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  rtoTargetMinutes: 60,
  desktopNotifications: true,
  lab: { seed: 20261125, vmCount: 600 },
};

export const SettingsUpdateSchema = z.object({
  theme: ThemeSchema.optional(),
  rtoTargetMinutes: SettingsSchema.shape.rtoTargetMinutes.optional(),
  desktopNotifications: z.boolean().optional(),
  lab: SettingsSchema.shape.lab.partial().optional(),
}).strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>;
