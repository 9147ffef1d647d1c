import type { CrossProducts } from "../model/cross_products.ts";

/**
 * Cross-products of the model with fixed-effect column `column` held at
 * `value`: the column leaves X and `value * x` moves into an offset, so
 * y becomes y - value * x. Computed from the cross-products alone.
 */
export function dropFixedColumn(cp: CrossProducts, column: number, value: number): CrossProducts {
  const P = cp.p + 1, p2 = cp.p - 1, P2 = p2 + 1;
  const keep = Array.from({ length: P }, (_, c) => c).filter((c) => c !== column);
  const yIdx = P - 1;
  const xyz = cp.xyz.map((block, t) => {
    const l = cp.nlevels[t];
    const out = new Float64Array(P2 * l);
    keep.forEach((c, c2) => out.set(block.subarray(c * l, (c + 1) * l), c2 * l));
    const yRow = out.subarray(p2 * l);
    for (let a = 0; a < l; a++) yRow[a] -= value * block[column * l + a];
    return out;
  });
  const xyxy = new Float64Array(P2 * P2);
  keep.forEach((c, c2) => {
    keep.forEach((d, d2) => {
      let v = cp.xyxy[c * P + d];
      if (c === yIdx) v -= value * cp.xyxy[column * P + d];
      if (d === yIdx) v -= value * cp.xyxy[c * P + column];
      if (c === yIdx && d === yIdx) v += value * value * cp.xyxy[column * P + column];
      xyxy[c2 * P2 + d2] = v;
    });
  });
  return { ...cp, p: p2, xyz, xyxy };
}
