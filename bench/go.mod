module github.com/wavemap/wavemap/bench

go 1.26.8

replace github.com/wavemap/wavemap => ../

require (
	github.com/go-audio/audio v1.0.0
	github.com/go-audio/wav v1.1.0
	github.com/wavemap/wavemap v0.0.0-00010101000000-000000000000
	golang.org/x/sys v0.50.0
)

require github.com/go-audio/riff v1.0.0 // indirect
