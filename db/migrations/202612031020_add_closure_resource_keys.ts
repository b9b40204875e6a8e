// A closure pointed at its cremator or hall by (resource_type, resource_id), which no foreign key can follow. It
// gains cremator_id and hall_id, real foreign keys, exactly one of them set and equal to resource_id, so the database
// refuses a closure of a resource that does not exist. resource_type and resource_id stay what the code reads.
import type { Knex } from 'knex';
import { rebuildTable } from '../sqlite-rebuild.js';

const keyColumns =
  ', `cremator_id` integer null references `cremators`(`id`), `hall_id` integer null references `farewell_halls`(`id`)';

// IS NOT NULL spelled out: a comparison with NULL is unknown, which a CHECK lets through.
const matches =
  "(resource_type = 'cremator' AND cremator_id IS NOT NULL AND cremator_id = resource_id AND hall_id IS NULL)" +
  " OR (resource_type = 'hall' AND hall_id IS NOT NULL AND hall_id = resource_id AND cremator_id IS NULL)";

export async function up(knex: Knex): Promise<void> {
  const [{ n }] = (await knex('resource_closures as rc')
    .whereRaw(
      "NOT ((rc.resource_type = 'cremator' AND EXISTS (SELECT 1 FROM cremators c WHERE c.id = rc.resource_id))" +
        " OR (rc.resource_type = 'hall' AND EXISTS (SELECT 1 FROM farewell_halls h WHERE h.id = rc.resource_id)))",
    )
    .count({ n: '*' })) as { n: number | string }[];
  if (Number(n) > 0)
    throw new Error(
      `resource_closures: ${n} existing row(s) name a cremator or hall that does not exist (rule resource_closures_resource_matches); correct them, then migrate again`,
    );
  if (knex.client.config.client === 'pg') {
    await knex.raw(
      'ALTER TABLE resource_closures ADD COLUMN cremator_id integer REFERENCES cremators (id), ADD COLUMN hall_id integer REFERENCES farewell_halls (id)',
    );
    await knex.raw(
      "UPDATE resource_closures SET cremator_id = CASE WHEN resource_type = 'cremator' THEN resource_id END, hall_id = CASE WHEN resource_type = 'hall' THEN resource_id END",
    );
    await knex.raw(
      `ALTER TABLE resource_closures ADD CONSTRAINT resource_closures_resource_matches CHECK (${matches})`,
    );
  } else {
    const column = '`resource_id` integer not null';
    await rebuildTable(knex, 'resource_closures', {
      change: (sql) => {
        if (!sql.includes(column)) throw new Error('resource_closures: unexpected table definition');
        return sql
          .replace(column, `${column}${keyColumns}`)
          .replace(/\)\s*$/, `, CONSTRAINT resource_closures_resource_matches CHECK (${matches}))`);
      },
      fill: {
        cremator_id: "CASE WHEN resource_type = 'cremator' THEN resource_id END",
        hall_id: "CASE WHEN resource_type = 'hall' THEN resource_id END",
      },
    });
  }
  await knex.raw('CREATE INDEX resource_closures_cremator_id_index ON resource_closures (cremator_id)');
  await knex.raw('CREATE INDEX resource_closures_hall_id_index ON resource_closures (hall_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX resource_closures_cremator_id_index');
  await knex.raw('DROP INDEX resource_closures_hall_id_index');
  if (knex.client.config.client === 'pg') {
    await knex.raw(
      'ALTER TABLE resource_closures DROP CONSTRAINT resource_closures_resource_matches, DROP COLUMN cremator_id, DROP COLUMN hall_id',
    );
  } else {
    await rebuildTable(knex, 'resource_closures', {
      change: (sql) =>
        sql.replace(keyColumns, '').replace(`, CONSTRAINT resource_closures_resource_matches CHECK (${matches})`, ''),
    });
  }
}
