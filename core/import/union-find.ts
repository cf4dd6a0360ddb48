// Groups rows that share any key (a phone, an email, a member code), transitively: A and B share a phone, B and C
// an email, so A, B and C are one customer. Each group is named by its earliest row, so a row's group only changes
// when a later row links its group to an older one.

/** Disjoint sets of row numbers (0, 1, 2, … added in order) joined by shared keys. */
export class UnionFind {
  private parent = new Int32Array(1024);
  private size = 0;
  private groups = 0;
  /** One map per kind of key (member code, phone, email): no prefixed key strings to build per row. */
  private readonly owners: Array<Map<string, number>> = [];

  /**
   * Adds row `rn` (the next row number) with its keys, one per kind in a fixed order (null: none of that kind);
   * returns its group (the earliest row of the group).
   */
  add(rn: number, keys: ReadonlyArray<string | null>): number {
    if (rn !== this.size) throw new Error(`rows must be added in order: expected ${this.size}, got ${rn}`);
    if (rn >= this.parent.length) {
      const grown = new Int32Array(this.parent.length * 2);
      grown.set(this.parent);
      this.parent = grown;
    }
    this.parent[rn] = rn;
    this.size++;
    this.groups++;
    for (let kind = 0; kind < keys.length; kind++) {
      const key = keys[kind];
      if (key === null || key === undefined) continue;
      const owners = (this.owners[kind] ??= new Map());
      const owner = owners.get(key);
      if (owner === undefined) owners.set(key, rn);
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
