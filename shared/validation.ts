import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/*
 * The functions' validation library: zod's tree-shakable `zod/mini` (~20 KB in a bundle, where
 * `zod`'s chainable API and its 40 locales carry ~440 KB into every function) with the English
 * messages only, so the contract's error details read as they always have ("Too small: expected
 * number to be >=1"). Import it as a namespace (`import * as z`): esbuild then keeps only the
 * parts a function uses.
 */
config(en());

export * from 'zod/mini';
