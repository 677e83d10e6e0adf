/**
 * `sessionStorage` of one tab: the Web Storage API over a Map. It counts its writes, and
 * refuses them (as a full storage does) while `failWrites` is set.
 */
export class TabStorage implements Storage {
  readonly #items = new Map<string, string>();
  writes = 0;
  failWrites = false;
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    if (this.failWrites) throw new DOMException('full', 'QuotaExceededError');
    this.writes++;
    this.#items.set(key, value);
  }
}
