/**
 * Sets an object's own key, whatever the key: `object.__proto__ = v` would replace the object's prototype (or, for
 * a key path into it, set keys on Object.prototype) instead, as the `yaml` package never does. The lockfile readers
 * build their results with it from untrusted text.
 */
export function setOwnKey(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}
