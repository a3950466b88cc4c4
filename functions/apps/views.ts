/**
 * Wire views of apps and environments (phase-rest.md §3.1, §4.1).
 */
import type { AppRow, EnvironmentRow } from '../../db/queries/apps';
import { isoTime } from '../tenancy/views';

export function appView(app: AppRow) {
  return {
    id: app.id,
    name: app.name,
    description: app.description,
    sseEnabled: app.sseEnabled,
    createdAt: isoTime(app.createdAt),
    updatedAt: isoTime(app.updatedAt),
  };
}

export function environmentView(environment: EnvironmentRow) {
  return {
    id: environment.id,
    name: environment.name,
    envType: environment.envType,
    index: environment.position,
    createdAt: isoTime(environment.createdAt),
    updatedAt: isoTime(environment.updatedAt),
  };
}
