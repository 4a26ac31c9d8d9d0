import {describe, expect, it} from 'vitest'

import {escapeXml} from '../../../src/util/xml.js'

describe('escapeXml, the one escaper for JUnit, SVG and HTML', () => {
  it('escapes the five special characters and drops what XML 1.0 cannot carry', () => {
    expect(escapeXml(`ACME & "Söhne" <b>'s</b>`)).toBe('ACME &amp; &quot;Söhne&quot; &lt;b&gt;&#39;s&lt;/b&gt;')
    // A company name pasted with a control character would make the SVG charts invalid XML.
    expect(escapeXml('bell\u0007 tab\t new\nline\r')).toBe('bell tab\t new\nline\r')
    expect(escapeXml('&amp;')).toBe('&amp;amp;')
  })
})
