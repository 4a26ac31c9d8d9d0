import {describe, expect, it} from 'vitest'

import {ehloKeywords, imapQuote, imapResponseEnd, pop3ResponseEnd, searchResult, smtpReplyEnd} from '../../../src/util/mail-wire.js'

describe('protocol framing', () => {
  it('finds the end of a multi-line SMTP reply only at its last line', () => {
    const ehlo = '250-mx.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n'
    expect(smtpReplyEnd('250-mx.example.com\r\n250-PIPE')).toBe(0)
    expect(smtpReplyEnd(ehlo + '220 next')).toBe(ehlo.length)
    expect(smtpReplyEnd('354\r\n')).toBe(5)
    expect(ehloKeywords(ehlo)).toEqual(['PIPELINING', 'STARTTLS'])
  })

  it('waits for the tagged IMAP status and for the POP3 terminating dot', () => {
    const imap = '* CAPABILITY IMAP4rev1 LOGINDISABLED\r\na1 OK done\r\n'
    expect(imapResponseEnd('a1')('* CAPABILITY IMAP4rev1\r\n')).toBe(0)
    expect(imapResponseEnd('a1')(imap)).toBe(imap.length)
    expect(imapResponseEnd('a1')('a10 OK other\r\n')).toBe(0)
    const capa = '+OK\r\nSTLS\r\nUSER\r\n.\r\n'
    expect(pop3ResponseEnd(true)(capa.slice(0, 12))).toBe(0)
    expect(pop3ResponseEnd(true)(capa)).toBe(capa.length)
    expect(pop3ResponseEnd(true)('-ERR no\r\n')).toBe(9)
    expect(pop3ResponseEnd(false)('+OK ready\r\n')).toBe(11)
  })

  it('quotes IMAP strings so a password cannot break out of the argument', () => {
    expect(imapQuote('p"a\\ss')).toBe('"p\\"a\\\\ss"')
  })

  it('reads the UIDs of a SEARCH response, and none from an empty one or another untagged line', () => {
    expect(searchResult('* SEARCH 2 84 882\r\na3 OK Search completed.\r\n')).toEqual([2, 84, 882])
    expect(searchResult('* SEARCH\r\na3 OK Search completed.\r\n')).toEqual([])
    expect(searchResult('* SEARCH 5 7 (MODSEQ 917162500)\r\na3 OK\r\n')).toEqual([5, 7])
    // Another untagged response first (an EXISTS from a delivery meanwhile) does not hide it.
    expect(searchResult('* 12 EXISTS\r\n* SEARCH 12\r\na4 OK\r\n')).toEqual([12])
    // Not a SEARCH line: a header value quoting one, a mailbox called "SEARCH 1".
    expect(searchResult('* LIST () "/" "SEARCH 1"\r\na5 OK\r\n')).toEqual([])
    expect(searchResult('* SEARCH 1 x\r\na6 OK\r\n')).toEqual([])
  })
})
