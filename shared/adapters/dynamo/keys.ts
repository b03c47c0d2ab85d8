import { entryItem } from './items/entry.ts';
import { groupItem } from './items/group.ts';
import { profileItem } from './items/profile.ts';

/**
 * @deprecated Each item's key lives in its module (items/*.ts). This shim only keeps
 * test/chaos/table-reader.ts (edited elsewhere right now) compiling; delete it once that file
 * imports `entryItem`, `profileItem` and `groupItem` instead.
 */
export const keys = { profile: profileItem.key, entry: entryItem.key, group: groupItem.key } as const;
