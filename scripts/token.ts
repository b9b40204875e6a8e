// npm run token -- --user NAME [--label TEXT]: creates an API bearer token for a user and prints it once.
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.js';
import { dbFromConfig } from '../server/db.js';
import { migrateLatest } from '../db/migrate.js';
import { createToken } from '../server/accounts/tokens.js';
import { findUserWithHash } from '../server/accounts/store.js';

const { values } = parseArgs({ options: { user: { type: 'string' }, label: { type: 'string' } } });
if (!values.user) {
  console.error('usage: npm run token -- --user NAME [--label TEXT]');
  process.exit(2);
}

const db = dbFromConfig(loadConfig());
try {
  await migrateLatest(db);
  const user = await findUserWithHash(db, values.user);
  if (!user) {
    console.error(`没有用户 no such user: ${values.user}`);
    process.exit(1);
  }
  const { token } = await createToken(
    db,
    null,
    user.id,
    values.label ?? `command line ${new Date().toISOString().slice(0, 10)}`,
    null,
  );
  console.log(token);
  console.error(
    `令牌已为 ${user.username}（${user.role}）创建；只显示这一次。 Token for ${user.username} created; shown only this once.`,
  );
} finally {
  await db.destroy();
}
