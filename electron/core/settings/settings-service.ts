import { DEFAULT_SETTINGS, SettingsSchema, type Settings, type SettingsUpdate } from '../../../shared/model/settings.ts';
import { describeZodError } from '../../../shared/contract/errors.ts';
import { SaveError } from '../journal/durable-append.ts';
import type { LoggerPort, SettingsPort } from '../ports.ts';

export interface SettingsService {
  get(): Settings;
  /** Stored, then current; a store that cannot save throws SaveError and nothing changes. */
  update(change: SettingsUpdate): Settings;
}

/**
 * Settings as stored, validated on the way in. A stored value that no longer validates (older
 * version, hand edit) is not thrown away: valid fields are kept, the rest fall back to defaults,
 * and the store is only rewritten when the user next changes something.
 */
export function createSettingsService(port: SettingsPort, logger: LoggerPort): SettingsService {
  let current = readSettings(port, logger);
  return {
    get: () => current,
    update(change) {
      const next = SettingsSchema.parse({
        ...current,
        ...change,
        lab: { ...current.lab, ...(change.lab ?? {}) },
        notifications: {
          webhook: { ...current.notifications.webhook, ...(change.notifications?.webhook ?? {}) },
          smtp: { ...current.notifications.smtp, ...(change.notifications?.smtp ?? {}) },
        },
      });
      try {
        port.write(next);
      } catch (error) {
        throw new SaveError('the settings', 'settings', error);
      }
      current = next;
      return current;
    },
  };
}

function readSettings(port: SettingsPort, logger: LoggerPort): Settings {
  const raw = port.read();
  if (raw === undefined || raw === null || (typeof raw === 'object' && Object.keys(raw).length === 0)) return DEFAULT_SETTINGS;
  const whole = SettingsSchema.safeParse(raw);
  if (whole.success) return whole.data;
  logger.warn(`Stored settings are partly invalid (${describeZodError(whole.error).message}); using defaults for the invalid fields.`);
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const source = typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  for (const key of Object.keys(SettingsSchema.shape) as (keyof Settings)[]) {
    const field = SettingsSchema.shape[key].safeParse(source[key]);
    if (field.success) merged[key] = field.data;
  }
  return merged as Settings;
}
