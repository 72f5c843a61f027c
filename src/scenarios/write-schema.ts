import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { scenariosJsonSchema } from './schema.js';

/** schema/scenarios.schema.json as it should be: generated from the zod schema, never edited by hand. */
export function scenariosSchemaText(): string {
  const schema = { title: 'shadowtap scenarios.yaml', ...(scenariosJsonSchema() as object) };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

// `node dist/scenarios/write-schema.js` (npm run schema) regenerates the file.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL('../../schema/scenarios.schema.json', import.meta.url));
  await writeFile(target, scenariosSchemaText());
  process.stdout.write(`${target}\n`);
}
