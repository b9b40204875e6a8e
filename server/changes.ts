// What kept copies are made from tells them here that it changed, once the transaction that changed it has
// committed: the service calls `changed` after its transaction, never a store from inside one. Per database handle
// and per process; other processes see the change when their copy expires.
import type { Knex } from 'knex';

/** The kinds of data kept copies are made from. */
export type Topic = 'facilities' | 'prices';
export type ChangeListener = (topic: Topic) => void;

const listeners = new WeakMap<Knex, Set<ChangeListener>>();

/** Calls `listener` after every committed change of data behind `db`; returns the way to stop. */
export function onChange(db: Knex, listener: ChangeListener): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/** Tells the listeners of `db` that `topic` changed. Call it after the transaction has committed. */
export function changed(db: Knex, topic: Topic): void {
  for (const listener of listeners.get(db) ?? []) listener(topic);
}
