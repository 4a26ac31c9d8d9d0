/**
 * Text for XML and HTML, in content and in quoted attributes: the five special characters as
 * references, and the control characters XML 1.0 cannot carry at all (not even as references)
 * dropped. The one escaper of mailops: JUnit for CI, SVG and HTML for the report.
 */
export function escapeXml(text: string): string {
  return text
    .replaceAll(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}
