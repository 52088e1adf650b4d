import type { EventOf } from '../../../shared/contract/channels.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Handlers } from '../dispatcher.ts';
import type { CorePorts } from '../ports.ts';
import type { SettingsService } from './settings-service.ts';

type SettingsHandlers = Pick<Handlers, 'settings.get' | 'settings.update'>;

interface SettingsHandlerOptions {
  settings: SettingsService;
  ports: CorePorts;
  audit: AuditLog;
  publish(stream: 'settings.changed', event: EventOf<'settings.changed'>): void;
}

/** The settings.* channels: a change is logged, audited and published to every console. */
export function createSettingsHandlers(options: SettingsHandlerOptions): SettingsHandlers {
  const { settings, ports, audit, publish } = options;
  return {
    'settings.get': () => settings.get(),
    'settings.update': (change, ctx) => {
      const next = settings.update(change);
      ports.logger.info('Settings changed', { actor: ctx.actor, change });
      audit.append({ at: ports.clock.now(), actor: ctx.actor, action: 'Change settings', target: Object.keys(change).join(', '), result: 'ok', detail: JSON.stringify(change) });
      audit.flush(); // the change and its record on disk before anyone hears of it
      publish('settings.changed', next);
      return next;
    },
  };
}
