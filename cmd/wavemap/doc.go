/*
Wavemap inspects, edits and creates WAVE files of any size through memory
maps.

Usage:

	wavemap <command> [flags] [files]

The commands are:

	info   print format, size, chunks, tags and warnings of WAVE files
	gen    create a file of any size with a sine, noise or silence

Results go to standard output (--json where offered); errors go to standard
error as one line naming the file and the problem. The exit code is 0 on
success, 1 on failure and 2 on a command-line error.
*/
package main
