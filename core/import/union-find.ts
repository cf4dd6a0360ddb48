// Groups rows that share any key (a phone, an email, a member code), transitively: A and B share a phone, B and C
// an email, so A, B and C are one customer. Each group is named by its earliest row, so a row's group only changes
// when a later row links its group to an older one.

/** Disjoint sets of row numbers (0, 1, 2, … added in order) joined by shared keys. */
export class UnionFind {
  private parent = new Int32Array(1024);
  private size = 0;
  private groups = 0;
  private readonly owners = new Map<string, number>();

  /** Adds row `rn` (the next row number) with its keys; returns its group (the earliest row of the group). */
  add(rn: number, keys: readonly string[]): number {
    if (rn !== this.size) throw new Error(`rows must be added in order: expected ${this.size}, got ${rn}`);
    if (rn >= this.parent.length) {
      const grown = new Int32Array(this.parent.length * 2);
      grown.set(this.parent);
      this.parent = grown;
    }
    this.parent[rn] = rn;
    this.size++;
    this.groups++;
    for (const key of keys) {
      const owner = this.owners.get(key);
      if (owner === undefined) this.owners.set(key, rn);
      else this.union(rn, owner);
    }
    return this.find(rn);
  }

  /** The group of row `rn`: its earliest row. */
  find(rn: number): number {
    let x = rn;
    while (this.parent[x] !== x) {
      const up = this.parent[this.parent[x]!]!;
      this.parent[x] = up; // path halving keeps later finds short
      x = up;
    }
    return x;
  }

  /** How many groups the rows form. */
  get groupCount(): number {
    return this.groups;
  }

  private union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // The earlier row stays the root, so groups are named by their first row in the file.
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
    this.groups--;
  }
}
