// The bundled property components the resources use (registered in admin/index.ts), and the
// property options that put them on list and show pages.
import type { PropertyOptions } from 'adminjs';

export interface FieldComponents {
  duration: string;
  dateTime: string;
  text: string;
  taskStatus: string;
  taskLink: string;
  settings: string;
}

/** A property read through `component` on list and show pages; edit and filter keep AdminJS's own inputs. */
export const shownWith = (component: string, extra: PropertyOptions = {}): PropertyOptions => ({
  ...extra,
  components: { ...extra.components, list: component, show: component },
});

/** A list cell through `component` (words kept whole); show keeps AdminJS's own. */
export const listedWith = (component: string, extra: PropertyOptions = {}): PropertyOptions => ({
  ...extra,
  components: { ...extra.components, list: component },
});

/** `todo` → `Todo`, `in_progress` → `In progress`: enum values and keys as the panel shows them. */
export const humanize = (v: string) => {
  const s = v.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

export const choices = (values: readonly string[]) => values.map((v) => ({ value: v, label: humanize(v) }));
