import { isSecretWrapper, revealed, secret } from "./secretValues";

type Props = Record<string, unknown>;

/**
 * Where a property bag held secrets: whole properties, and single values of
 * the label maps (so that one secret label keeps the others readable in a
 * preview). Outputs are wrapped at the same places, plus the outputs derived
 * from a secret input (`derived`: output name -> the inputs it is made of).
 */
export class SecretPaths {
  private readonly properties = new Set<string>();
  private readonly mapEntries = new Map<string, Set<string>>();

  /** The bag without wrappers, recording where the wrappers were. */
  reveal(props: Props | undefined): Props {
    const out: Props = {};
    for (const [key, raw] of Object.entries(props ?? {})) {
      if (!isSecretWrapper(raw) && raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
        const entries: Props = {};
        for (const [entryKey, entryRaw] of Object.entries(raw)) {
          const entry = revealed(entryRaw);
          if (entry.secret) this.entriesOf(key).add(entryKey);
          entries[entryKey] = entry.value;
        }
        out[key] = entries;
        continue;
      }
      const value = revealed(raw);
      if (value.secret) this.properties.add(key);
      out[key] = value.value;
    }
    return out;
  }

  /** True when the property, or any value inside it, was secret. */
  has(key: string): boolean {
    return this.properties.has(key) || (this.mapEntries.get(key)?.size ?? 0) > 0;
  }

  /** The bag with wrappers put back where the inputs had them, and around outputs derived from secrets. */
  wrap(props: Props, derived: Readonly<Record<string, readonly string[]>> = {}): Props {
    const out: Props = {};
    for (const [key, value] of Object.entries(props)) {
      const fromSecret = this.properties.has(key) || (derived[key] ?? []).some((source) => this.has(source));
      if (fromSecret) {
        out[key] = secret(value);
      } else if (this.mapEntries.has(key) && value !== null && typeof value === "object" && !Array.isArray(value)) {
        const secretKeys = this.mapEntries.get(key) as Set<string>;
        out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, secretKeys.has(k) ? secret(v) : v]));
      } else {
        out[key] = value;
      }
    }
    return out;
  }

  private entriesOf(key: string): Set<string> {
    let set = this.mapEntries.get(key);
    if (!set) this.mapEntries.set(key, (set = new Set()));
    return set;
  }
}
