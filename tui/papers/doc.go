// Package papers holds the two screens that print: the preview of a
// case's documents (文书), each issued with a number from the device's
// range and saved as a file, opened by F7 on a case's detail; and the
// district's figures (执法统计) with their terminal charts, opened by F8 on
// the home screen. Both declare those entry keys themselves.
package papers
