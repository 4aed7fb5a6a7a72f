// Package wavtest holds the helpers that the tests of wavemap and of its
// internal packages share: looking up and running the reference tools
// (sox, ffmpeg, ffprobe), building WAVE headers byte by byte, hashing
// files and finding the corpus of real-world files.
//
// It is an ordinary package so that any test package of the module can
// import it, and it imports nothing of the module: the root package's
// internal tests and internal/riff's tests import it without a cycle.
//
// # Reference tools
//
// A test that needs an external tool asks for it with Need (or Have, for
// an optional check). When the tool is missing the test is skipped with a
// message saying what to install, except when the environment variable
// WAVEMAP_REQUIRE_TOOLS is set to a non-empty value, as CI does: then the
// test fails, so that a broken CI image cannot turn a check into a silent
// skip. Run and the decode helpers call Need themselves.
package wavtest
