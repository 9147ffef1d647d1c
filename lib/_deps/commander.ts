/**
 * commander with its strongly typed wrapper, pinned: the parser of vcsim's
 * command-line entry points.
 *
 * @module
 */

// The wrapper re-exports commander's runtime (its peer dependency, ~15.1.0): pin it too.
import "npm:commander@15.1.0";

export {
  Argument,
  Command,
  CommanderError,
  InvalidArgumentError,
  Option,
} from "npm:@commander-js/extra-typings@15.1.0";
