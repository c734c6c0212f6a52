/**
 * Limits a stricter AGB might put on labels. The real service states none, so
 * the emulator enforces none unless asked (`--label-limits`): that lets a test
 * show what a user sees when a service does refuse labels.
 */
export interface LabelLimits {
  maxLabels?: number;
  maxKeyLength?: number;
  maxValueLength?: number;
}

const FLAG_KEYS: Readonly<Record<string, keyof LabelLimits>> = {
  labels: "maxLabels",
  key: "maxKeyLength",
  value: "maxValueLength",
};

/** Reads `labels=20,key=128,value=128` (any subset); throws on anything else. */
export function parseLabelLimits(text: string): LabelLimits {
  const limits: LabelLimits = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [name, raw] = part.split("=");
    const field = FLAG_KEYS[name ?? ""];
    const value = Number(raw);
    if (!field || !Number.isInteger(value) || value < 0) {
      throw new Error(`label limit "${part}" is not one of labels=N, key=N, value=N`);
    }
    limits[field] = value;
  }
  return limits;
}

/** The first limit the labels break, in the words the emulator answers with. */
export function labelLimitProblem(labels: Readonly<Record<string, string>>, limits: LabelLimits): string | undefined {
  const entries = Object.entries(labels);
  if (limits.maxLabels !== undefined && entries.length > limits.maxLabels) {
    return `too many labels: ${entries.length}, at most ${limits.maxLabels}`;
  }
  for (const [key, value] of entries) {
    if (limits.maxKeyLength !== undefined && [...key].length > limits.maxKeyLength) {
      return `label key ${JSON.stringify(key.slice(0, 40))} is longer than ${limits.maxKeyLength} characters`;
    }
    if (limits.maxValueLength !== undefined && [...value].length > limits.maxValueLength) {
      return `label ${JSON.stringify(key.slice(0, 40))} has a value longer than ${limits.maxValueLength} characters`;
    }
  }
  return undefined;
}
