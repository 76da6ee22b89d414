import type { ProjectEvent } from '../../core/notifications/events.ts';

/** An event as the fan-outs see it (src/services/events/dispatch.ts): with its project and the link a person follows. */
export interface DispatchedEvent {
  id: string;
  projectId: string;
  project: { slug: string; name: string };
  event: ProjectEvent;
  occurredAt: Date;
  link: string;
}
