/**
 * The context of one fit's intervals: options with their defaults, and the
 * memo behind `shared`.
 *
 * @module
 */

import type { ModelFrame } from "../../model/frame.ts";
import { type CrossProducts, crossProducts } from "../../model/cross_products.ts";
import type { RandomStream } from "../../rng/stream.ts";
import type { InformationKind } from "../information.ts";
import type { IntervalContext } from "./interval_plugin.ts";
import { _sharedMemo } from "../_shared_memo.ts";

/** The options a context is made from (those of confidenceIntervals, level checked). */
export interface _ContextOptions {
  readonly level: number;
  readonly information?: InformationKind;
  readonly bootstrap?: { stream: RandomStream; replicates?: number };
  readonly crossProducts?: CrossProducts;
}

/** A fresh context for the intervals of one fit of `frame`. */
export function _intervalContext(frame: ModelFrame, options: _ContextOptions): IntervalContext {
  const b = options.bootstrap;
  return Object.freeze({
    level: options.level,
    crossProducts: options.crossProducts ?? crossProducts(frame),
    information: options.information ?? "expected",
    bootstrap: b?.stream
      ? Object.freeze({ stream: b.stream, replicates: b.replicates ?? 999 })
      : undefined,
    shared: _sharedMemo(),
  });
}
