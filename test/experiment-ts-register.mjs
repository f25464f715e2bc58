// `node --import ./test/experiment-ts-register.mjs` installs the TypeScript module hooks.
import { register } from 'node:module';

register('./experiment-ts-hooks.mjs', import.meta.url);
