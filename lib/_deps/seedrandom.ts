/**
 * seedrandom, pinned: the generator behind vcsim's default random streams.
 * Its version changes every stream, so it enters each study's configuration
 * hash as {@linkcode SEEDRANDOM_VERSION}, kept here beside the specifier.
 *
 * @module
 */

// @ts-types="npm:@types/seedrandom@3.0.8"
import seedrandom from "npm:seedrandom@3.0.5";

/** The version of seedrandom imported by this module (the one in its `npm:` specifier). */
export const SEEDRANDOM_VERSION = "3.0.5";

export default seedrandom;
