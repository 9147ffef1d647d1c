/**
 * The shape of a nested chain of terms (each sorted term nested in the
 * next), summarised once per dataset so that evaluations work on classes of
 * identical levels instead of on every level: levels of the finest term
 * (cells) with equal row counts share every weight, and a coarser level
 * whose children all belong to one class, in equal number, shares its
 * weights with every level of the same kind. A balanced design collapses to
 * one class per term; other levels stay individual ("explicit").
 *
 * @module
 */

import type { CrossProducts } from "../model/cross_products.ts";

/** Cells (levels of the finest term) grouped by their row count. */
export interface CellClasses {
  /** Rows per cell, per class. */
  readonly count: Float64Array;
  /** Cells per class. */
  readonly size: Float64Array;
  /** Per class, sum over its cells of S S' (S = [X y]'z_cell), P x P row-major. */
  readonly gram: Float64Array;
  /** Class of each cell. */
  readonly classOf: Int32Array;
}

/** Cells with one parent (level of term 1; 0 for a single term) and one count, summed. */
export interface CellGroups {
  readonly parent: Int32Array;
  readonly cls: Int32Array;
  /** Cells in the group. */
  readonly size: Float64Array;
  /** Sum of [X y]'z_cell over the group, P per group. */
  readonly sums: Float64Array;
}

/** One coarser term (t >= 1) of the chain. */
export interface CoarseLevel {
  /** Per compact class: the class of its children (at term t - 1) and how many each node has. */
  readonly childClass: Int32Array;
  readonly children: Float64Array;
  /** Per compact class: nodes in it, and the sum of T T' over them (T = [X y]'z_node), P x P. */
  readonly size: Float64Array;
  readonly gram: Float64Array;
  /** Compact class of each node, -1 for an explicit node. */
  readonly classOf: Int32Array;
  /** Slot of each node among the explicit ones, -1 for a compact node. */
  readonly slotOf: Int32Array;
  /** The node of each explicit slot. */
  readonly explicitNodes: Int32Array;
  /** Number of explicit nodes. */
  readonly explicitCount: number;
  /** Per explicit node: slot of its parent at term t + 1, -1 at the top. */
  readonly parentSlot: Int32Array;
  /** Compact children of explicit nodes, per (node, class): slot, class, count and summed T. */
  readonly linkSlot: Int32Array;
  readonly linkClass: Int32Array;
  readonly linkChildren: Float64Array;
  readonly linkSums: Float64Array;
}

/** The summary of a nested chain; see {@linkcode chainStructure}. */
export interface ChainStructure {
  readonly K: number;
  readonly P: number;
  readonly cells: CellClasses;
  readonly groups: CellGroups;
  /** [X y]'[X y] minus the sum over cells of S S' / count: the within-cell cross-products. */
  readonly within: Float64Array;
  /** Terms 1 .. K-1. */
  readonly levels: readonly CoarseLevel[];
}

const cache = new WeakMap<CrossProducts, ChainStructure>();

/**
 * The class summary of `cp`, whose sorted terms must form a nested chain;
 * computed once per cross-products object. Cost O(q P^2).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { crossProducts } from "../model/cross_products.ts";
 * import { chainStructure } from "./_chain_structure.ts";
 * // Balanced a/b: 2 levels of a, 2 of b in each, 2 rows per cell.
 * const cp = crossProducts({
 *   response: "y", y: new Float64Array([1, 3, 2, 4, 7, 8, 9, 13]), X: new Float64Array(8).fill(1),
 *   fixedNames: ["(Intercept)"], droppedRows: 0,
 *   terms: [
 *     { name: "a", codes: new Int32Array([0, 0, 0, 0, 1, 1, 1, 1]), levels: ["1", "2"] },
 *     { name: "a:b", codes: new Int32Array([0, 0, 1, 1, 2, 2, 3, 3]), levels: ["1", "2", "3", "4"] },
 *   ],
 * });
 * const st = chainStructure(cp);
 * // One class of cells (2 rows each) and one class of a-levels (2 cells each).
 * assert.deepEqual([...st.cells.count, ...st.cells.size], [2, 4]);
 * assert.deepEqual([...st.levels[0].children, ...st.levels[0].size], [2, 2]);
 * assert.equal(st.levels[0].explicitCount, 0);
 * assert.equal(chainStructure(cp), st);
 * ```
 */
export function chainStructure(cp: CrossProducts): ChainStructure {
  let s = cache.get(cp);
  if (!s) {
    s = buildStructure(cp);
    cache.set(cp, s);
  }
  return s;
}

function buildStructure(cp: CrossProducts): ChainStructure {
  const K = cp.nlevels.length, P = cp.p + 1;
  const cells = cellClasses(cp);
  const within = Float64Array.from(cp.xyxy);
  for (let k = 0; k < cells.count.length; k++) {
    const n = cells.count[k];
    if (n > 0) { for (let i = 0; i < P * P; i++) within[i] -= cells.gram[k * P * P + i] / n; }
  }
  const levels: CoarseLevel[] = [];
  for (let t = 1; t < K; t++) {
    const below = t === 1 ? null : levels[t - 2];
    levels.push(coarseLevel(cp, t, below ? below.classOf : cells.classOf, below));
  }
  const groups = K > 1 ? cellGroups(cp, levels[0]) : emptyGroups();
  return { K, P, cells, groups, within, levels };
}

// Largest key range numbered through a table rather than a Map.
const DENSE_KEYS = 1 << 22;

/**
 * Numbers keys in order of first appearance (a new key gets the count of
 * keys seen so far). Keys below `range` (when given and small) use a table.
 */
function indexer(range = Infinity): (key: number) => number {
  let next = 0;
  if (range <= DENSE_KEYS) {
    const table = new Int32Array(range).fill(-1);
    return (key) => {
      const found = table[key];
      return found >= 0 ? found : (table[key] = next++);
    };
  }
  const map = new Map<number, number>();
  return (key) => {
    const found = map.get(key);
    if (found !== undefined) return found;
    map.set(key, next);
    return next++;
  };
}

/**
 * Adds x_i x_j over the columns b of a P x l block, for i >= j, into P x P
 * block classOf[b], in order of b. A run of columns of one class adds into
 * a local sum, loaded from and stored to the block at the run's ends: the
 * same additions in the same order as adding into the block each time.
 */
function addGrams(
  xyz: Float64Array,
  at: { P: number; l: number; classOf: Int32Array; gram: Float64Array },
): void {
  const { P, l, classOf, gram } = at, PP = P * P;
  for (let i = 0; i < P; i++) {
    for (let j = 0; j <= i; j++) {
      const xi = i * l, xj = j * l, ij = i * P + j;
      let k = -1, sum = 0;
      for (let b = 0; b < l; b++) {
        const kb = classOf[b];
        if (kb !== k) {
          if (k >= 0) gram[k * PP + ij] = sum;
          k = kb;
          if (k >= 0) sum = gram[k * PP + ij];
        }
        if (k >= 0) sum += xyz[xi + b] * xyz[xj + b];
      }
      if (k >= 0) gram[k * PP + ij] = sum;
    }
  }
  symmetrize(gram, P);
}

function cellClasses(cp: CrossProducts): CellClasses {
  const c0 = cp.counts[0], l0 = c0.length, P = cp.p + 1;
  const index = indexer(), count: number[] = [], size: number[] = [];
  const classOf = new Int32Array(l0);
  let lastCount = NaN, lastClass = -1;
  for (let b = 0; b < l0; b++) {
    if (c0[b] !== lastCount) {
      lastCount = c0[b];
      lastClass = index(lastCount);
      if (lastClass === count.length) {
        count.push(lastCount);
        size.push(0);
      }
    }
    classOf[b] = lastClass;
    size[lastClass]++;
  }
  const gram = new Float64Array(count.length * P * P);
  addGrams(cp.xyz[0], { P, l: l0, classOf, gram });
  return { count: Float64Array.from(count), size: Float64Array.from(size), gram, classOf };
}

/** Copies the lower triangle of each P x P block to its upper triangle. */
function symmetrize(blocks: Float64Array, P: number): void {
  for (let o = 0; o < blocks.length; o += P * P) {
    for (let i = 0; i < P; i++) {
      for (let j = 0; j < i; j++) blocks[o + j * P + i] = blocks[o + i * P + j];
    }
  }
}

/**
 * The cell groups, from term 1's summary: a compact level of term 1 is one
 * group (its cells share a count; their sums are the level's [X y]'z), an
 * explicit one has a group per link.
 */
function cellGroups(cp: CrossProducts, level1: CoarseLevel): CellGroups {
  const l1 = cp.nlevels[1], P = cp.p + 1, xyz1 = cp.xyz[1];
  let G = level1.linkSlot.length;
  for (let a = 0; a < l1; a++) if (level1.classOf[a] >= 0) G++;
  const parent = new Int32Array(G), cls = new Int32Array(G), size = new Float64Array(G);
  const sums = new Float64Array(G * P);
  let g = 0;
  for (let a = 0; a < l1; a++) {
    const k = level1.classOf[a];
    if (k < 0) continue;
    parent[g] = a;
    cls[g] = level1.childClass[k];
    size[g] = level1.children[k];
    for (let i = 0; i < P; i++) sums[g * P + i] = xyz1[i * l1 + a];
    g++;
  }
  for (let e = 0; e < level1.linkSlot.length; e++, g++) {
    parent[g] = level1.explicitNodes[level1.linkSlot[e]];
    cls[g] = level1.linkClass[e];
    size[g] = level1.linkChildren[e];
    sums.set(level1.linkSums.subarray(e * P, (e + 1) * P), g * P);
  }
  return { parent, cls, size, sums };
}

function emptyGroups(): CellGroups {
  const none = new Int32Array(0);
  return { parent: none, cls: none, size: new Float64Array(0), sums: new Float64Array(0) };
}

/** Term t's classes, given the class of each level of term t - 1 (-1: explicit). */
function coarseLevel(
  cp: CrossProducts,
  t: number,
  childClassOf: Int32Array,
  below: CoarseLevel | null,
): CoarseLevel {
  const l = cp.nlevels[t], lc = cp.nlevels[t - 1], parentOf = cp.pairs[t][t - 1].rowIdx;
  // -2: no child seen yet; -1: children of several classes or explicit ones.
  const state = new Int32Array(l).fill(-2), nChildren = new Float64Array(l);
  let most = 0;
  for (let c = 0; c < lc; c++) {
    const a = parentOf[c], k = childClassOf[c];
    state[a] = state[a] === -2 || state[a] === k ? k : -1;
    most = Math.max(most, ++nChildren[a]);
  }
  let childClasses = 1;
  for (let c = 0; c < lc; c++) childClasses = Math.max(childClasses, childClassOf[c] + 1);
  const classIndex = indexer(childClasses * (most + 1));
  const childClass: number[] = [], children: number[] = [];
  const classOf = new Int32Array(l), slotOf = new Int32Array(l).fill(-1);
  const explicitNodes: number[] = [];
  let explicitCount = 0;
  for (let a = 0; a < l; a++) {
    if (state[a] < 0) {
      classOf[a] = -1;
      slotOf[a] = explicitCount++;
      explicitNodes.push(a);
      continue;
    }
    const k = classIndex(state[a] * (most + 1) + nChildren[a]);
    if (k === childClass.length) {
      childClass.push(state[a]);
      children.push(nChildren[a]);
    }
    classOf[a] = k;
  }
  const P = cp.p + 1, size = new Float64Array(childClass.length);
  const gram = new Float64Array(childClass.length * P * P);
  for (let a = 0; a < l; a++) if (classOf[a] >= 0) size[classOf[a]]++;
  addGrams(cp.xyz[t], { P, l, classOf, gram });
  const links = explicitCount > 0
    ? explicitLinks(cp, t, { childClassOf, childClasses, slotOf, below })
    : {
      linkSlot: new Int32Array(0),
      linkClass: new Int32Array(0),
      linkChildren: new Float64Array(0),
      linkSums: new Float64Array(0),
    };
  return {
    childClass: Int32Array.from(childClass),
    children: Float64Array.from(children),
    size,
    gram,
    classOf,
    slotOf,
    explicitNodes: Int32Array.from(explicitNodes),
    explicitCount,
    parentSlot: new Int32Array(explicitCount).fill(-1),
    ...links,
  };
}

/**
 * The children of term t's explicit nodes: compact ones summed per (node,
 * class), explicit ones recorded as the parent slot of their own slot.
 */
function explicitLinks(
  cp: CrossProducts,
  t: number,
  at: {
    childClassOf: Int32Array;
    /** One more than the largest class in childClassOf (at least 1). */
    childClasses: number;
    slotOf: Int32Array;
    below: CoarseLevel | null;
  },
) {
  const { childClassOf, childClasses: nClasses, slotOf, below } = at;
  const lc = cp.nlevels[t - 1], parentOf = cp.pairs[t][t - 1].rowIdx, P = cp.p + 1;
  const xyzBelow = cp.xyz[t - 1];
  const index = indexer(cp.nlevels[t] * nClasses),
    linkSlot: number[] = [],
    linkClass: number[] = [];
  const sums: number[] = [], counts: number[] = [];
  for (let c = 0; c < lc; c++) {
    const slot = slotOf[parentOf[c]], k = childClassOf[c];
    if (slot < 0) continue;
    if (k < 0) {
      below!.parentSlot[below!.slotOf[c]] = slot;
      continue;
    }
    const link = index(slot * nClasses + k);
    if (link === linkSlot.length) {
      linkSlot.push(slot);
      linkClass.push(k);
      counts.push(0);
      for (let i = 0; i < P; i++) sums.push(0);
    }
    counts[link]++;
    for (let i = 0; i < P; i++) sums[link * P + i] += xyzBelow[i * lc + c];
  }
  return {
    linkSlot: Int32Array.from(linkSlot),
    linkClass: Int32Array.from(linkClass),
    linkChildren: Float64Array.from(counts),
    linkSums: Float64Array.from(sums),
  };
}
