module github.com/wavemap/wavemap

go 1.26.8

// golang.org/x/sys is the library's one dependency: mmap, madvise, msync
// and fadvise on Unix, file mappings on Windows, and CPU feature detection
// (AVX2) for the assembly kernels.
require golang.org/x/sys v0.50.0

// pflag parses the command line of cmd/wavemap (internal/cli) in GNU
// style (--long, -s, "--"); the library does not import it. It has no
// dependencies and is the parser under cobra and kubectl.
require github.com/spf13/pflag v1.1.0

// jsonschema validates every command's --json output against
// internal/cli/schema.json in the tests (internal/cli/conventions_test.go)
// and nothing else.
require github.com/santhosh-tekuri/jsonschema/v6 v6.0.3

// chromedp drives chromium in the browser test of 'wavemap serve'
// (internal/serve/browser_test.go) and nothing else: no package of the
// library or of the command imports it, so it is not built into either.
require (
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.23.0
)

require (
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	golang.org/x/text v0.14.0 // indirect
)
