// The typed domain-event bus. The timer service emits; connectors subscribe (no route calls a
// connector directly). Handlers run after the change is committed, are awaited in order, and one
// handler's failure is logged without affecting the caller or the other handlers.
import type { Project, Task, TimeEntry, User } from './models/index.js';
import { logger } from './lib/logger.js';

export interface TimerEventPayload {
  entry: TimeEntry;
  user: User;
  project: Project;
  task: Task | null;
}

/** A running timer passed its owner's remind_after_hours (claimed once by the runaway_timers job). */
export interface ReminderDuePayload extends TimerEventPayload {
  runningSeconds: number;
}

export interface DomainEvents {
  'timer.started': TimerEventPayload;
  'timer.stopped': TimerEventPayload;
  'timer.reminder_due': ReminderDuePayload;
}

export type EventName = keyof DomainEvents;
export type EventHandler<E extends EventName> = (payload: DomainEvents[E]) => Promise<void> | void;

export class EventBus {
  private handlers: { [E in EventName]: Array<{ name: string; fn: EventHandler<E> }> } = {
    'timer.started': [],
    'timer.stopped': [],
    'timer.reminder_due': [],
  };

  on<E extends EventName>(event: E, name: string, fn: EventHandler<E>): () => void {
    const list = this.handlers[event] as Array<{ name: string; fn: EventHandler<E> }>;
    const entry = { name, fn };
    list.push(entry);
    return () => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    };
  }

  async emit<E extends EventName>(event: E, payload: DomainEvents[E]): Promise<void> {
    for (const { name, fn } of [...(this.handlers[event] as Array<{ name: string; fn: EventHandler<E> }>)]) {
      try {
        await fn(payload);
      } catch (err) {
        logger.error({ err, event, handler: name }, 'domain event handler failed');
      }
    }
  }

  clear(): void {
    this.handlers = { 'timer.started': [], 'timer.stopped': [], 'timer.reminder_due': [] };
  }
}

/** The process-wide bus. */
export const events = new EventBus();
