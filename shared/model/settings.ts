import { z } from 'zod';

export const ThemeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof ThemeSchema>;

/**
 * Where incidents and alerts go besides the console. The webhook gets a JSON POST (Teams workflows
 * and pager bridges take one); SMTP sends mail without authentication to a relay on the site.
 */
export const WebhookChannelSchema = z.object({
  enabled: z.boolean(),
  url: z.string().max(2000).refine((u) => u === '' || /^https?:\/\/[^\s]+$/i.test(u), 'must be an http:// or https:// address'),
});
export const SmtpChannelSchema = z.object({
  enabled: z.boolean(),
  host: z.string().max(255),
  port: z.number().int().min(1).max(65_535),
  /** tls: TLS from the first byte (port 465); starttls: upgrade required; none: plain (a relay on loopback). */
  security: z.enum(['starttls', 'tls', 'none']),
  from: z.string().max(320),
  /** Recipients, comma-separated as people type them. */
  to: z.string().max(2000),
});
export const NotificationSettingsSchema = z.object({ webhook: WebhookChannelSchema, smtp: SmtpChannelSchema });
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;
export const DEFAULT_NOTIFICATIONS: NotificationSettings = {
  webhook: { enabled: false, url: '' },
  smtp: { enabled: false, host: '', port: 587, security: 'starttls', from: '', to: '' },
};

export const SettingsSchema = z.object({
  theme: ThemeSchema,
  /** Minutes; the promise the estate is measured against. */
  rtoTargetMinutes: z.number().int().min(1).max(24 * 60),
  /** A desktop notification for each replication alert raised (desktop app only). Older stores lack it: on. */
  desktopNotifications: z.boolean().default(true),
  /** Older stores lack it: no channel. */
  notifications: NotificationSettingsSchema.default(DEFAULT_NOTIFICATIONS),
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
  notifications: DEFAULT_NOTIFICATIONS,
  lab: { seed: 20261125, vmCount: 600 },
};

export const SettingsUpdateSchema = z.object({
  theme: ThemeSchema.optional(),
  rtoTargetMinutes: SettingsSchema.shape.rtoTargetMinutes.optional(),
  desktopNotifications: z.boolean().optional(),
  notifications: z.object({ webhook: WebhookChannelSchema.partial(), smtp: SmtpChannelSchema.partial() }).partial().optional(),
  lab: SettingsSchema.shape.lab.partial().optional(),
}).strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>;
