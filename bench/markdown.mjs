// BENCHMARKS.md is written by two harnesses: bench/run.mjs (the whole file: the whole-job rows)
// and bench/scale.mjs (one section: the scale rows, between these two markers). Each keeps the
// other's part, so that either can run alone.
export const SCALE_START = "<!-- scale rows: written by bench/scale.mjs -->";
export const SCALE_END = "<!-- end of the scale rows -->";

/** The scale section of `text` (markers included), or "" when it has none. */
export function scaleSection(text) {
  const start = text.indexOf(SCALE_START);
  const end = text.indexOf(SCALE_END);
  return start >= 0 && end > start ? text.slice(start, end + SCALE_END.length) : "";
}

/**
 * `text` with its scale section replaced by `section` (markers included); without one, `section`
 * goes before the heading "## How each row is taken", or at the end.
 */
export function withScaleSection(text, section) {
  const old = scaleSection(text);
  if (old) return text.replace(old, () => section);
  if (!section) return text;
  const at = text.indexOf("\n## How each row is taken");
  return at < 0 ? `${text.trimEnd()}\n\n${section}\n` : `${text.slice(0, at)}\n${section}\n${text.slice(at)}`;
}
