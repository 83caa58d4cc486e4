/**
 * The emulator's `warning:` lines about the project, without the process warnings its functions' code emits: the AWS
 * SDK warns once about the Node version on Node 20 and not on 22 or 24, so a test that says "these warnings and no
 * others" would depend on the Node running it.
 */
export function readerWarnings(lines: readonly string[]): string[] {
  return lines.filter((line) => line.startsWith('warning:') && !/^warning: \w*Warning: NodeVersionSupportWarning:/.test(line));
}
