// The error summary at the top of a form names each field it lists ("身份证号：校验位不正确"), by the label the page
// itself shows for that field, so that every form using views/partials/form-errors.hbs gets it without a list of
// its own labels to keep in step.

/** Where views/partials/form-errors.hbs leaves a field's name to be filled in: `<span data-field-name="x"></span>`. */
const MARK = /<span data-field-name="([^"]*)"><\/span>/g;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Text of a label's HTML: the required-field marker and tags dropped, spaces collapsed (entities stay escaped). */
function labelText(html: string): string {
  return html
    .replace(/<span class="muted small">[\s\S]*?<\/span>/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The name a page shows for a field: its `<label for>`, or, for a group of inputs (a region picker), the first
 * legend or label inside the element with the field's id.
 */
export function fieldName(html: string, field: string): string | undefined {
  const f = escapeRegExp(field);
  const label = new RegExp(`<label\\b[^>]*\\bfor="${f}"[^>]*>([\\s\\S]*?)</label>`).exec(html);
  if (label) return labelText(label[1]) || undefined;
  const holder = new RegExp(`<[a-z]+\\b[^>]*\\bid="${f}"[^>]*>`).exec(html);
  if (!holder) return undefined;
  const inside = /<(legend|label)\b[^>]*>([\s\S]*?)<\/\1>/.exec(html.slice(holder.index + holder[0].length));
  return inside ? labelText(inside[2]) || undefined : undefined;
}

/** Fills each summary line's field name from the page's labels; a field the page does not label keeps its message alone. */
export function nameSummaryFields(html: string, separator: string): string {
  if (!html.includes('data-field-name=')) return html;
  return html.replace(MARK, (_, field: string) => {
    const name = fieldName(html, field);
    return name ? `${name}${separator}` : '';
  });
}
