// Writes docs/cli-json.schema.json from the CLI's --json shapes (src/cli/json-output.ts).
//   npm run build:schema
import { writeFileSync } from 'node:fs';
import { cliJsonSchema } from '../src/cli/json-output.ts';

const path = new URL('../docs/cli-json.schema.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(cliJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.pathname}`);
