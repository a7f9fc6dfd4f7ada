// EventBridge pattern matching with AWS's own engine, event-ruler (Java, Maven Central),
// for tests that must show which events a synthesized pattern matches. moto 5.2.5's
// TestEventPattern is not implemented (it raises NotImplementedError), and the matcher
// moto uses for PutEvents does not descend into arrays of objects (CloudTrail's
// `detail.resources[].ARN`), so neither can judge these patterns.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TMP_ROOT } from './template-file';

const DIR = path.join(__dirname, 'event-ruler');
const CLASSPATH_FILE = path.join(TMP_ROOT, 'event-ruler.classpath');

/** The classpath of event-ruler and its dependencies, resolved by Maven once and cached under .tmp/. */
export function eventRulerClasspath(): string {
  if (fs.existsSync(CLASSPATH_FILE)) {
    const cached = fs.readFileSync(CLASSPATH_FILE, 'utf-8').trim();
    if (cached.split(path.delimiter).every(jar => fs.existsSync(jar))) {
      return cached;
    }
  }
  fs.mkdirSync(TMP_ROOT, { recursive: true });
  const mvn = spawnSync('mvn', ['-q', '-B', '-f', path.join(DIR, 'pom.xml'), 'dependency:build-classpath',
    `-Dmdep.outputFile=${CLASSPATH_FILE}`, '-DincludeScope=runtime'], { encoding: 'utf-8' });
  if (mvn.error || mvn.status !== 0) {
    throw new Error(`cannot resolve event-ruler with Maven (java 17+ and mvn are needed; status ${mvn.status}, ${mvn.error ?? ''}):\n${mvn.stdout}${mvn.stderr}`);
  }
  return fs.readFileSync(CLASSPATH_FILE, 'utf-8').trim();
}

/** For each event, the names of the patterns that match it, sorted. One JVM for the whole batch. */
export function matchEvents(patterns: Record<string, unknown>, events: Record<string, unknown>): Record<string, string[]> {
  const java = spawnSync('java', ['-cp', eventRulerClasspath(), path.join(DIR, 'MatchPatterns.java')], {
    input: JSON.stringify({ patterns, events }),
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (java.error || java.status !== 0) {
    throw new Error(`event-ruler failed (status ${java.status}, ${java.error ?? ''}):\n${java.stderr}`);
  }
  return JSON.parse(java.stdout);
}
