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
import { _designMemo } from "./_design_memo.ts";
import { RecentMemo } from "../_recent_memo.ts";

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

const cache = new RecentMemo<CrossProducts, ChainStructure>();

/**
 * The part of a structure that depends on the design alone (which levels
 * share a class, how nodes link): every field but the sums of [X y].
 */
interface ChainShape {
  readonly cells: Omit<CellClasses, "gram">;
  readonly levels: readonly LevelShape[];
  /** The groups' parents, classes and sizes; their sums come from `compactNodes` and the links. */
  readonly groups: Omit<CellGroups, "sums"> & {
    /** Term 1's node of each compact group (they come first, then one group per link). */
    readonly compactNodes: Int32Array;
  };
}

/** A coarser term's shape: {@linkcode CoarseLevel} without its sums. */
type LevelShape = Omit<CoarseLevel, "gram" | "linkSums"> & {
  /** Per level of term t - 1: the link its sums go to, -1 for none. */
  readonly linkOf: Int32Array;
};

/** The design shape of `cp`, once per design (a study's replicates share it). */
const shapeOf = _designMemo(buildShape);

/**
 * The class summary of `cp`, whose sorted terms must form a nested chain;
 * computed once per cross-products object. Cost O(q P^2); the design's
 * shape is found once per design (a study's replicates share it), and
 * only the sums of [X y] are summed for each new response.
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
    s = buildStructure(cp, shapeOf(cp));
    cache.set(cp, s);
  }
  return s;
}

/** The structure of `cp`: its design's `shape` and the sums of its [X y]. */
function buildStructure(cp: CrossProducts, shape: ChainShape): ChainStructure {
  const K = cp.nlevels.length, P = cp.p + 1, PP = P * P;
  const cellGram = new Float64Array(shape.cells.count.length * PP);
  addGrams(cp.xyz[0], { P, l: cp.nlevels[0], classOf: shape.cells.classOf, gram: cellGram });
  const cells: CellClasses = { ...shape.cells, gram: cellGram };
  const within = Float64Array.from(cp.xyxy);
  for (let k = 0; k < cells.count.length; k++) {
    const n = cells.count[k];
    if (n > 0) { for (let i = 0; i < PP; i++) within[i] -= cells.gram[k * PP + i] / n; }
  }
  const levels = shape.levels.map((level, i) => levelSums(cp, { t: i + 1, level }));
  const groups = K > 1 ? groupSums(cp, { shape: shape.groups, level1: levels[0] }) : emptyGroups();
  return { K, P, cells, groups, within, levels };
}

/** The design shape of `cp` (its sums are left to {@linkcode buildStructure}). */
function buildShape(cp: CrossProducts): ChainShape {
  const K = cp.nlevels.length;
  const cells = cellClasses(cp);
  const levels: LevelShape[] = [];
  for (let t = 1; t < K; t++) {
    const below = t === 1 ? null : levels[t - 2];
    levels.push(coarseLevel(cp, t, below ? below.classOf : cells.classOf, below));
  }
  const groups = K > 1 ? cellGroups(cp, levels[0]) : { ...emptyGroups(), compactNodes: NONE };
  return { cells, levels, groups };
}

/** Term t's sums: its classes' sums of T T', and its links' sums of the children's T. */
function levelSums(cp: CrossProducts, at: { t: number; level: LevelShape }): CoarseLevel {
  const { t, level } = at, P = cp.p + 1, l = cp.nlevels[t], lc = cp.nlevels[t - 1];
  const gram = new Float64Array(level.size.length * P * P);
  addGrams(cp.xyz[t], { P, l, classOf: level.classOf, gram });
  const linkSums = new Float64Array(level.linkSlot.length * P);
  const xyzBelow = cp.xyz[t - 1], linkOf = level.linkOf;
  for (let c = 0; c < lc; c++) {
    const link = linkOf[c];
    if (link < 0) continue;
    for (let i = 0; i < P; i++) linkSums[link * P + i] += xyzBelow[i * lc + c];
  }
  return { ...level, gram, linkSums };
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

function cellClasses(cp: CrossProducts): Omit<CellClasses, "gram"> {
  const c0 = cp.counts[0], l0 = c0.length;
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
  return { count: Float64Array.from(count), size: Float64Array.from(size), classOf };
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
 * The cell groups, from term 1's shape: a compact level of term 1 is one
 * group (its cells share a count; their sums are the level's [X y]'z), an
 * explicit one has a group per link.
 */
function cellGroups(cp: CrossProducts, level1: LevelShape): ChainShape["groups"] {
  const l1 = cp.nlevels[1];
  let compact = 0;
  for (let a = 0; a < l1; a++) if (level1.classOf[a] >= 0) compact++;
  const G = compact + level1.linkSlot.length;
  const parent = new Int32Array(G), cls = new Int32Array(G), size = new Float64Array(G);
  const compactNodes = new Int32Array(compact);
  let g = 0;
  for (let a = 0; a < l1; a++) {
    const k = level1.classOf[a];
    if (k < 0) continue;
    parent[g] = a;
    cls[g] = level1.childClass[k];
    size[g] = level1.children[k];
    compactNodes[g++] = a;
  }
  for (let e = 0; e < level1.linkSlot.length; e++, g++) {
    parent[g] = level1.explicitNodes[level1.linkSlot[e]];
    cls[g] = level1.linkClass[e];
    size[g] = level1.linkChildren[e];
  }
  return { parent, cls, size, compactNodes };
}

/** The groups' sums of [X y]'z: a compact group's from term 1, a link's from its sums. */
function groupSums(
  cp: CrossProducts,
  at: { shape: ChainShape["groups"]; level1: CoarseLevel },
): CellGroups {
  const { shape, level1 } = at, l1 = cp.nlevels[1], P = cp.p + 1, xyz1 = cp.xyz[1];
  const compact = shape.compactNodes.length;
  const sums = new Float64Array(shape.parent.length * P);
  for (let g = 0; g < compact; g++) {
    const a = shape.compactNodes[g];
    for (let i = 0; i < P; i++) sums[g * P + i] = xyz1[i * l1 + a];
  }
  sums.set(level1.linkSums, compact * P);
  return { parent: shape.parent, cls: shape.cls, size: shape.size, sums };
}

const NONE = new Int32Array(0);

function emptyGroups(): CellGroups {
  return { parent: NONE, cls: NONE, size: new Float64Array(0), sums: new Float64Array(0) };
}

/** Term t's classes, given the class of each level of term t - 1 (-1: explicit). */
function coarseLevel(
  cp: CrossProducts,
  t: number,
  childClassOf: Int32Array,
  below: LevelShape | null,
): LevelShape {
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
  const size = new Float64Array(childClass.length);
  for (let a = 0; a < l; a++) if (classOf[a] >= 0) size[classOf[a]]++;
  const links = explicitCount > 0
    ? explicitLinks(cp, t, { childClassOf, childClasses, slotOf, below })
    : {
      linkSlot: NONE,
      linkClass: NONE,
      linkChildren: new Float64Array(0),
      linkOf: new Int32Array(lc).fill(-1),
    };
  return {
    childClass: Int32Array.from(childClass),
    children: Float64Array.from(children),
    size,
    classOf,
    slotOf,
    explicitNodes: Int32Array.from(explicitNodes),
    explicitCount,
    parentSlot: new Int32Array(explicitCount).fill(-1),
    ...links,
  };
}

/**
 * The children of term t's explicit nodes: compact ones linked per (node,
 * class), each child's link recorded (so that the links' sums add the
 * children's in order), explicit ones recorded as the parent slot of their
 * own slot.
 */
function explicitLinks(
  cp: CrossProducts,
  t: number,
  at: {
    childClassOf: Int32Array;
    /** One more than the largest class in childClassOf (at least 1). */
    childClasses: number;
    slotOf: Int32Array;
    below: LevelShape | null;
  },
) {
  const { childClassOf, childClasses: nClasses, slotOf, below } = at;
  const lc = cp.nlevels[t - 1], parentOf = cp.pairs[t][t - 1].rowIdx;
  const index = indexer(cp.nlevels[t] * nClasses),
    linkSlot: number[] = [],
    linkClass: number[] = [];
  const counts: number[] = [], linkOf = new Int32Array(lc).fill(-1);
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
    }
    counts[link]++;
    linkOf[c] = link;
  }
  return {
    linkSlot: Int32Array.from(linkSlot),
    linkClass: Int32Array.from(linkClass),
    linkChildren: Float64Array.from(counts),
    linkOf,
  };
}
