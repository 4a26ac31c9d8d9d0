import {describe, expect, it} from 'vitest'

import {recordTags, spfProblems} from '../../../src/verify/dns.js'

describe('DNS record checks', () => {
  it('accepts a strict SPF record and names what is wrong with others', () => {
    expect(spfProblems('v=spf1 ip4:198.18.0.11 include:_spf.example.com mx -all')).toEqual([])
    expect(spfProblems('v=spf1 ip4:198.18.0.11 redirect=_spf.example.com')).toEqual([])
    expect(spfProblems('v=spf1 +all')).toEqual(['+all lets anyone send as the domain'])
    expect(spfProblems('v=spf1 a ?all')).toEqual(['?all lets anyone send as the domain'])
    expect(spfProblems('v=spf1 all')).toEqual(['all lets anyone send as the domain'])
    expect(spfProblems('v=spf2 ip4:198.18.0.11 -all')).toEqual(['does not start with v=spf1'])
    expect(spfProblems('v=spf1 include -all')).toEqual(['unknown term include'])
  })

  it('reads tag=value records', () => {
    expect(recordTags('v=DMARC1; p=reject; rua=mailto:d@example.com')).toEqual({v: 'DMARC1', p: 'reject', rua: 'mailto:d@example.com'})
    expect(recordTags('v=DKIM1; k=rsa; p=MIIB==')).toMatchObject({p: 'MIIB=='})
  })
})
